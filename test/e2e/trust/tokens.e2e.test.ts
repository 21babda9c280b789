import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { authFailureStatus } from '../../../bot/server';
import { makeUser, startTestBot, type TestBot } from '../../helpers/bot-harness';
import { MAX_REQUEST_CPU_MS, postTimed, tableCounts } from '../../helpers/trust';

/**
 * Issue 12, "Tokens" (9): with authentication on, a token that cannot be checked is 401, or 503 when the key
 * service itself cannot be reached; the body never carries an internal URL, an error text or a stack.
 */

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
function jwt(header: object, payload: object, key: KeyObject): string {
  const head = `${b64(header)}.${b64(payload)}`;
  const sig = createSign('RSA-SHA256').update(head).sign(key).toString('base64url');
  return `${head}.${sig}`;
}

describe('token errors over HTTP (authentication on, local key service)', () => {
  const ours = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const appId = randomUUID();
  let mode: 'ok' | 'error' | 'hang' | 'reset' = 'hang';
  const pending: http.ServerResponse[] = [];
  const keyService = http.createServer((req, res) => {
    if (mode === 'hang') return void pending.push(res);
    if (mode === 'reset') return void req.socket.destroy();
    if (mode === 'error') {
      res.writeHead(500);
      return void res.end('down');
    }
    const base = `http://127.0.0.1:${(keyService.address() as AddressInfo).port}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url?.startsWith('/openid')) res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/keys` }));
    else res.end(JSON.stringify({ keys: [{ ...ours.publicKey.export({ format: 'jwk' }), kid: 'known-key', use: 'sig', endorsements: ['msteams'] }] }));
  });
  let t: TestBot;

  beforeAll(async () => {
    await new Promise<void>((r) => keyService.listen(0, '127.0.0.1', () => r()));
    const port = (keyService.address() as AddressInfo).port;
    t = await startTestBot({
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'secret-for-test',
      MicrosoftAppTenantId: 'tenant-1',
      // A metadata URL unique to this run: botbuilder caches keys per URL for the whole process.
      BOT_OPENID_METADATA_URL: `http://127.0.0.1:${port}/openid-${randomUUID()}`,
      AUTH_TIMEOUT_MS: '700',
    });
  });
  afterAll(async () => {
    for (const r of pending) r.destroy();
    await t.stop();
    await new Promise<void>((r) => keyService.close(() => r()));
  });

  const user = makeUser();
  const activity = () => ({
    type: 'message',
    id: randomUUID(),
    text: 'help',
    channelId: 'msteams',
    serviceUrl: t.connector.url,
    from: { id: user.id, aadObjectId: user.aadObjectId },
    recipient: { id: '28:bot' },
    conversation: { id: 'a:token-test', conversationType: 'personal', tenantId: 'tenant-1' },
  });
  const claims = (extra: object = {}) => ({
    iss: 'https://api.botframework.com',
    aud: appId,
    serviceurl: t.connector.url,
    nbf: Math.floor(Date.now() / 1000) - 60,
    exp: Math.floor(Date.now() / 1000) + 600,
    ...extra,
  });
  const send = (token: string) => postTimed(t, activity(), { authorization: `Bearer ${token}` });

  /** The whole response says no more than this: no URL, no error text, no stack. */
  const clean = (body: unknown, expected: object) => {
    expect(body).toEqual(expected);
    expect(JSON.stringify(body)).not.toMatch(/https?:|openid|Error|at /);
  };

  it('a key service that does not answer in time: 503 within AUTH_TIMEOUT_MS, nothing run or stored', async () => {
    mode = 'hang';
    const before = await tableCounts(t, ['Conversations']);
    const started = Date.now();
    const res = await send(jwt({ alg: 'RS256', kid: 'known-key', typ: 'JWT' }, claims(), ours.privateKey));
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5000);
    clean(res.body, { error: 'authentication service unavailable' });
    expect(t.connector.activities).toHaveLength(0);
    expect(await tableCounts(t, ['Conversations'])).toEqual(before);
  });

  it.each([
    ['drops the connection', 'reset'],
    ['answers with an error', 'error'],
  ] as const)('a key service that %s: 503, no internals', async (_n, m) => {
    mode = m;
    const res = await send(jwt({ alg: 'RS256', kid: 'known-key', typ: 'JWT' }, claims(), ours.privateKey));
    expect(res.status).toBe(503);
    expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
    clean(res.body, { error: 'authentication service unavailable' });
  });

  it.each([
    ['a key id the key set does not have', () => jwt({ alg: 'RS256', kid: 'no-such-key', typ: 'JWT' }, claims(), ours.privateKey)],
    ['a known key id with a signature from another key', () => jwt({ alg: 'RS256', kid: 'known-key', typ: 'JWT' }, claims(), stranger.privateKey)],
    ['an expired token', () => jwt({ alg: 'RS256', kid: 'known-key', typ: 'JWT' }, claims({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 }), ours.privateKey)],
    ['another audience', () => jwt({ alg: 'RS256', kid: 'known-key', typ: 'JWT' }, claims({ aud: randomUUID() }), ours.privateKey)],
    ['an HMAC token', () => `${b64({ alg: 'HS256', kid: 'known-key' })}.${b64(claims())}.c2ln`],
  ])('%s: 401, no internals, nothing run', async (_n, token) => {
    mode = 'ok';
    const res = await send(token());
    expect(res.status).toBe(401);
    expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
    clean(res.body, { error: 'unauthorized' });
    expect(t.connector.activities).toHaveLength(0);
  });

  it('classifies failures: key service trouble is 503, any other failure 401', () => {
    expect(authFailureStatus(Object.assign(new Error('request to https://login.botframework.com failed'), { name: 'FetchError', code: 'ENOTFOUND' }))).toBe(503);
    expect(authFailureStatus(Object.assign(new Error('Failed to load openID config: 500'), { statusCode: 500 }))).toBe(503);
    expect(authFailureStatus(Object.assign(new Error('Signing Key could not be retrieved.'), { statusCode: 401 }))).toBe(401);
    expect(authFailureStatus(Object.assign(new Error('invalid signature'), { name: 'JsonWebTokenError' }))).toBe(401);
    expect(authFailureStatus(new TypeError('x'))).toBe(401);
  });
});
