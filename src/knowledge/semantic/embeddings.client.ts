import { backoffMs } from '../../delivery/retry-policy';

/**
 * Where and how to ask for embeddings: an OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, llama.cpp's
 * server, vLLM) or an Azure OpenAI deployment. Built from configuration by `embeddingsEndpointFromConfig`.
 */
export interface EmbeddingsEndpoint {
  provider: 'openai' | 'azure-openai';
  /** The full POST address. */
  url: string;
  headers: Record<string, string>;
  /** Sent as `model` in the body (OpenAI-compatible servers); Azure names the deployment in the path instead. */
  bodyModel?: string;
  /** The model or deployment name, as people know it (stored with every vector). */
  model: string;
  /**
   * The vector space: provider, address and model. Vectors are only ever compared within one identity, so a
   * change of model (or of the server or deployment behind the name) means the passages are embedded again.
   */
  identity: string;
}

/**
 * The published limits of the embeddings API (OpenAI and Azure OpenAI): 2048 inputs per request, 8192 tokens per
 * input, 300,000 tokens summed over a request. Tokens are bounded by UTF-8 bytes (a byte-level BPE token covers at
 * least one byte), so byte budgets keep every request within the token limits without a tokenizer.
 */
export const EMBEDDINGS_API_LIMITS = { maxInputs: 2048, maxInputTokens: 8192, maxRequestTokens: 300_000 } as const;

/** A failed embeddings call: the HTTP status (0 for network failures and time-outs), and whether retrying may help. */
export class EmbeddingsError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
    /** What the server asked us to wait (Retry-After / retry-after-ms), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'EmbeddingsError';
  }
  /** A tag that is safe to log (never the server's text, which may echo the input). */
  get code(): string {
    return this.status ? `http_${this.status}` : this.message === 'timeout' ? 'timeout' : 'network';
  }
}

export interface EmbedOptions {
  /** Time limit of each attempt. */
  timeoutMs: number;
  /** Total attempts for retryable failures (1 = no retry). */
  attempts?: number;
  /** The longest Retry-After honoured by waiting; longer gives up with the error (and its retryAfterMs). */
  maxRetryAfterMs?: number;
  signal?: AbortSignal;
}

export interface EmbeddingsClient {
  readonly endpoint: EmbeddingsEndpoint;
  /** Vectors for `inputs`, in input order, from one request (with retries). The caller keeps within the API limits. */
  embed(inputs: string[], opts: EmbedOptions): Promise<Float32Array[]>;
}

export interface ClientDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** 429 and 408 say "later"; 409 is Azure's "the deployment is busy"; 5xx are the server's trouble. */
const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504]);
const BACKOFF = { baseMs: 500, maxMs: 8000 };

/** Retry-After as milliseconds: `retry-after-ms` (OpenAI, Azure), else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Reads `{ data: [{ index, embedding: number[] }] }` into vectors in input order, refusing anything malformed. */
function parseVectors(body: unknown, count: number): Float32Array[] {
  const data = (body as { data?: unknown })?.data;
  if (!Array.isArray(data) || data.length !== count) throw new EmbeddingsError('malformed response: wrong number of vectors', 200, false);
  const out: Float32Array[] = new Array(count);
  let dims = -1;
  data.forEach((item: { index?: unknown; embedding?: unknown }, i) => {
    const at = typeof item?.index === 'number' ? item.index : i;
    const e = item?.embedding;
    if (!Array.isArray(e) || e.length === 0 || at < 0 || at >= count || out[at]) throw new EmbeddingsError('malformed response: bad vector', 200, false);
    if (dims >= 0 && e.length !== dims) throw new EmbeddingsError('malformed response: vectors of different lengths', 200, false);
    dims = e.length;
    const v = Float32Array.from(e as number[]);
    if (!v.every(Number.isFinite)) throw new EmbeddingsError('malformed response: not numbers', 200, false);
    out[at] = v;
  });
  return out;
}

/**
 * A small fetch client for the embeddings API. Each attempt is time-limited; 408/409/429/5xx, network failures and
 * time-outs are retried up to `attempts` times with exponential backoff and jitter, or after the server's
 * Retry-After when it gives one (up to `maxRetryAfterMs`; longer, and the error is returned for the caller to
 * schedule). Other statuses (400 a bad input, 401/403 a bad key, 404 an unknown model) fail at once.
 */
export function createEmbeddingsClient(endpoint: EmbeddingsEndpoint, deps: ClientDeps = {}): EmbeddingsClient {
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;

  async function attempt(inputs: string[], opts: EmbedOptions): Promise<Float32Array[]> {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let res: Response;
    let body: unknown;
    try {
      res = await doFetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...endpoint.headers },
        body: JSON.stringify({ input: inputs, ...(endpoint.bodyModel ? { model: endpoint.bodyModel } : {}) }),
        signal,
      });
      body = res.ok ? await res.json() : undefined;
      if (!res.ok) await res.body?.cancel().catch(() => undefined);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      if (timeout.aborted) throw new EmbeddingsError('timeout', 0, true);
      if (e instanceof SyntaxError) throw new EmbeddingsError('malformed response: not JSON', 200, false);
      throw new EmbeddingsError('network', 0, true);
    }
    if (!res.ok) throw new EmbeddingsError(`embeddings request failed with ${res.status}`, res.status, RETRYABLE.has(res.status), retryAfterMs(res.headers));
    return parseVectors(body, inputs.length);
  }

  return {
    endpoint,
    async embed(inputs, opts) {
      if (inputs.length === 0) return [];
      const attempts = Math.max(1, opts.attempts ?? 1);
      const maxWait = opts.maxRetryAfterMs ?? 60_000;
      for (let n = 1; ; n++) {
        try {
          return await attempt(inputs, opts);
        } catch (e) {
          if (!(e instanceof EmbeddingsError) || !e.retryable || n >= attempts) throw e;
          if (e.retryAfterMs !== undefined && e.retryAfterMs > maxWait) throw e;
          await sleep(e.retryAfterMs ?? backoffMs(n, BACKOFF, random), opts.signal);
        }
      }
    },
  };
}
