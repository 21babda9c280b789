import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking the embeddings API (OpenAI `POST …/embeddings` with `model`, and Azure OpenAI
 * `POST /openai/deployments/{d}/embeddings?api-version=…`) with deterministic vectors, for tests of the wiring.
 *
 * The vectors are a bag of concepts: each word is mapped through a fixed synonym table to its concept, and each
 * concept counts in its own dimension, so a paraphrase that shares no word with a passage ("youngster", "ring")
 * lands near it ("child", "contact"). Words outside the table count in hashed dimensions at `otherWeight` (0: they
 * carry no meaning). One constant dimension keeps every vector non-zero.
 */
export type StubMode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; times?: number }
  | { kind: 'hang' }
  | { kind: 'drop' };

export interface StubRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  model?: string;
  inputs: string[];
  at: number;
}

export interface StubEmbeddings {
  url: string;
  /** OPENAI_BASE_URL for this server. */
  baseUrl: string;
  requests: StubRequest[];
  /** Sets what every following request gets (a `status` with `times` reverts to ok after that many). */
  set(mode: StubMode): void;
  /** Fails any request that contains an input matching `pattern` with 400 (a bad input). */
  refuseInputs(pattern?: RegExp): void;
  embed(text: string): number[];
  stop(): Promise<void>;
}

export const STUB_DIMS = 48;

export function conceptEmbedding(text: string, synonyms: Record<string, string[]>, otherWeight = 0): number[] {
  const concepts = Object.keys(synonyms);
  const byWord = new Map<string, number>();
  concepts.forEach((c, i) => {
    byWord.set(c, i);
    for (const w of synonyms[c]) byWord.set(w, i);
  });
  const otherDims = STUB_DIMS - concepts.length - 1;
  const v = new Array<number>(STUB_DIMS).fill(0);
  v[STUB_DIMS - 1] = 0.05;
  for (const word of text.toLowerCase().match(/[a-z]+(?:-[a-z]+)*/g) ?? []) {
    const at = byWord.get(word) ?? byWord.get(word.replace(/s$/, ''));
    if (at !== undefined) v[at] += 1;
    else if (otherWeight > 0 && otherDims > 0 && word.length > 3) {
      v[concepts.length + (createHash('sha1').update(word).digest().readUInt32BE(0) % otherDims)] += otherWeight;
    }
  }
  return v;
}

export async function startStubEmbeddings(opts: { synonyms?: Record<string, string[]>; otherWeight?: number } = {}): Promise<StubEmbeddings> {
  const synonyms = opts.synonyms ?? {};
  const requests: StubRequest[] = [];
  let mode: StubMode = { kind: 'ok' };
  let refused: RegExp | undefined;
  const hanging = new Set<http.ServerResponse>();
  const embed = (t: string) => conceptEmbedding(t, synonyms, opts.otherWeight ?? 0);

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      let body: { input?: string | string[]; model?: string } = {};
      try {
        body = JSON.parse(raw || '{}');
      } catch {
        /* answered 400 below */
      }
      const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input : [];
      requests.push({ url: req.url ?? '', headers: req.headers, model: body.model, inputs, at: Date.now() });
      const m = mode;
      if (m.kind === 'status') {
        if (m.times !== undefined && --m.times <= 0) mode = { kind: 'ok' };
        res.writeHead(m.status, { 'content-type': 'application/json', ...(m.headers ?? {}) });
        res.end(JSON.stringify({ error: { message: 'stub failure', code: String(m.status) } }));
        return;
      }
      if (m.kind === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (m.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      const isEmbeddings = /\/embeddings(?:\?|$)/.test(req.url ?? '');
      if (req.method !== 'POST' || !isEmbeddings || inputs.length === 0 || inputs.some((i) => typeof i !== 'string' || i === '')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'bad request' } }));
        return;
      }
      if (refused && inputs.some((i) => refused!.test(i))) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'input refused' } }));
        return;
      }
      // Out of order on purpose: clients must place vectors by `index`.
      const data = inputs.map((t, index) => ({ object: 'embedding', index, embedding: embed(t) })).reverse();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data, model: body.model ?? 'azure-deployment', usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    set(next) {
      mode = next.kind === 'status' ? { ...next } : next;
      if (next.kind !== 'hang') for (const r of hanging) r.destroy();
    },
    refuseInputs(pattern) {
      refused = pattern;
    },
    embed,
    async stop() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
