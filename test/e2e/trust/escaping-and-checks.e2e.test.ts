import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, errorFields } from '../../../src/logger';
import { isCaseReference } from '../../../src/escalations/escalation.schema';
import type { AnswerSource } from '../../../src/knowledge/knowledge.types';
import type { EscalationsFeature } from '../../../bot/features/escalations.feature';
import { groundModelAnswer, phoneNumbersIn } from '../../../bot/knowledge/teams-ai-generator';
import { makeUser, startTestBot, type TestBot } from '../../helpers/bot-harness';
import { validateCard } from '../../helpers/card-validator';
import { postTimed, sharedActivity, tableCounts } from '../../helpers/trust';
import { validForm } from '../../unit/escalations/escalation-fixtures';

/**
 * Issue 12, "Escaping and checks": names and labels people typed are never live markdown (13); the
 * generative-mode check catches phone numbers and links however written, and wants a citation on every
 * sentence (14); the case-reference rule refuses a name with a year, and error logs carry no message text (15).
 */

const LINK_ATTACK = 'Police [x](https://evil.example/o)';
/** A markdown link that would render live: `[text](url)` with no backslash before the brackets. */
const LIVE_LINK = /(?<!\\)\[[^\]\\]*(?<!\\)\]\((?!\\)/;

describe('escaping over HTTP', () => {
  const admin = makeUser('Ada Admin');
  const sam = makeUser('Sam [me](https://evil.example/s)');
  const kim = makeUser('Kim Team');
  const dsl = makeUser('Dana Lead');
  let t: TestBot;
  const CHANNEL = '19:escalations@thread.tacv2';
  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId, ESCALATION_TEAM_IDS: `${sam.aadObjectId},${kim.aadObjectId}` });
    await t.post(sharedActivity(t, admin, { type: 'message', text: 'escalations here' }, { channel: CHANNEL }));
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  it('the escalations report shows the other agency as text, not a link', async () => {
    await (t.bot.deps.features.escalations as EscalationsFeature).service.submit({ input: validForm({ otherAgency: LINK_ATTACK }), submitter: { aadObjectId: dsl.aadObjectId, name: dsl.name } });
    await t.say(admin, 'escalations report');
    const card = t.connector.messagesTo(t.personalConversationId(admin))[0].body.attachments[0].content;
    expect(validateCard(card)).toEqual([]);
    const texts = JSON.stringify(card).match(/"text":"((?:[^"\\]|\\.)*)"/g) ?? [];
    const label = texts.find((x) => x.includes('evil'));
    expect(label).toBeDefined();
    expect(JSON.parse(`{${label}}`).text).not.toMatch(LIVE_LINK);
  });

  it('a display name in a “someone acted first” message is text, not a link', async () => {
    const svc = (t.bot.deps.features.escalations as EscalationsFeature).service;
    const { record } = await svc.submit({ input: validForm(), submitter: { aadObjectId: dsl.aadObjectId, name: dsl.name } });
    const act = (u: typeof sam) => t.post(sharedActivity(t, u, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'escalationAck', data: { verb: 'escalationAck', escalationId: record.id } } } }, { channel: CHANNEL }));
    await act(sam);
    const late = await act(kim);
    const said = JSON.stringify(late.body);
    expect(said).toContain('acknowledged');
    expect(said).toContain('evil');
    const notice = (late.body.value.body as { text?: string }[]).map((b) => b.text ?? '').find((x) => x.includes('evil'))!;
    expect(notice).not.toMatch(LIVE_LINK);
  });

  it('refuses “Jane Smith 2015” as a case reference: the form comes back, nothing stored', async () => {
    const before = await tableCounts(t, ['Escalations', 'Counters']);
    const res = await postTimed(t, { id: randomUUID(), type: 'message', channelId: 'msteams', serviceUrl: t.connector.url, from: { id: dsl.id, aadObjectId: dsl.aadObjectId }, recipient: { id: '28:bot' }, conversation: { id: t.personalConversationId(dsl), conversationType: 'personal', tenantId: 'tenant-1' }, value: { verb: 'escalationSubmit', ...validForm({ caseReference: 'Jane Smith 2015' }) } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(t.connector.activities)).toContain('never a child’s name');
    expect(await tableCounts(t, ['Escalations', 'Counters'])).toEqual(before);
  });
});

describe('the case-reference rule', () => {
  it.each(['CS-123456', 'MASH/2024/0012', '12345678', 'LCS123456', 'EH-2024-0042'])('accepts %s', (ref) => expect(isCaseReference(ref)).toBe(true));
  it.each(['Jane Smith 2015', 'JaneSmith2015', 'jane.smith.2015', 'Smith-2015', 'JANE SMITH 2015', 'JANESMITH2015', 'Jayden 12', 'CS 123456'])('refuses %s', (ref) => expect(isCaseReference(ref)).toBe(false));
});

describe('the generative-mode check', () => {
  const sources = [
    { n: 1, text: 'Call the MASH on 024 7678 8555 or email mash@coventry.gov.uk. See https://www.coventry.gov.uk/cscp for the procedure.' },
    { n: 2, text: 'The escalation policy has four stages, from practitioner to the CSCP.' },
  ] as AnswerSource[];

  it.each([
    ['a bracketed area code', 'Call (024) 7683 3003 for advice [1].'],
    ['+44 (0) form', 'Ring +44 (0)24 7683 3003 today [1].'],
    ['a freephone number', 'Childline is on 0800 1111 for children [1].'],
    ['a six-digit helpline', 'Samaritans answer on 116 123 at any time [1].'],
    ['an upper-case link', 'Read HTTPS://EVIL.EXAMPLE/guide for more [1].'],
    ['a protocol-relative link', 'Read //evil.example/guide for more [1].'],
    ['a bare domain with a path', 'Read evil.co.uk/guide for the detail [1].'],
    ['a markdown link', 'Read [the guide](https://evil.example/guide) first [1].'],
    ['an invented email', 'Email help@evil.example for advice [1].'],
  ])('refuses %s that no passage holds', (_n, reply) => {
    expect(groundModelAnswer(reply, sources)).toEqual({ reason: 'ungrounded-contact' });
  });

  it('keeps contact details the passages hold, however they are spaced or prefixed', () => {
    expect(groundModelAnswer('Call the MASH on +44 (0)24 7678 8555 [1].', sources).text).toBeDefined();
    expect(groundModelAnswer('Call the MASH on 02476788555 or email mash@coventry.gov.uk [1].', sources).text).toBeDefined();
    expect(groundModelAnswer('The procedure is at HTTPS://www.coventry.gov.uk/cscp [1].', sources).text).toBeDefined();
    expect(groundModelAnswer('Call 999 if a child is in immediate danger [1].', sources).text).toBeDefined();
    expect(groundModelAnswer('The policy covered 2023-2024 in four stages [2].', sources).text).toBeDefined();
  });

  it('wants a citation on every sentence that states something, not one anywhere', () => {
    expect(groundModelAnswer('The policy has four stages. Always phone the police first when you disagree with a decision. It ends with the CSCP [2].', sources)).toEqual({ reason: 'uncited-sentence' });
    expect(groundModelAnswer('The policy has four stages [2]. It ends with the CSCP. [2]', sources).text).toBeDefined();
    expect(groundModelAnswer('In short:\n- four stages, from practitioner to the CSCP [2]', sources).text).toBeDefined();
  });

  it('reads phone numbers in their national form', () => {
    expect(phoneNumbersIn('+44 (0)24 7683 3003, 0044 24 7683 3003 and (024) 7683 3003')).toEqual(['02476833003', '02476833003', '02476833003']);
    expect(phoneNumbersIn('in 2024, 12 people, 2023-2024')).toEqual([]);
  });
});

describe('error logs carry no message text', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });

  it('reduces an error message, an Error object and a nested message to class and code, whoever logs them', () => {
    const secret = `Zebulon-${randomUUID().slice(0, 6)}`;
    const log = createLogger('info', sink);
    log.warn({ err: `connector said: child ${secret} at 12 Acacia Road` }, 'a');
    log.warn({ err: Object.assign(new Error(`bad ${secret}`), { code: 'E_SOMETHING' }) }, 'b');
    log.warn({ err: { name: 'RestError', message: `row ${secret}`, statusCode: 412 } }, 'c');
    log.warn({ error: `quoted ${secret}` }, 'd');
    log.warn({ err: 'TypeError' }, 'e');
    log.warn(errorFields(Object.assign(new Error(`text ${secret}`), { statusCode: 503 })), 'f');
    expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    expect(lines.some((l) => l.includes('"err":"TypeError"'))).toBe(true);
    expect(lines.some((l) => l.includes('"code":"E_SOMETHING"'))).toBe(true);
    expect(lines.some((l) => l.includes('"status":503'))).toBe(true);
  });

  it('over HTTP: a failing model whose error quotes the question leaves no trace of it in the logs', async () => {
    const secret = `Zebulon${randomUUID().slice(0, 6)}`;
    const model = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Cannot answer: ${body.slice(0, 2000)}`, type: 'invalid_request_error' } }));
      });
    });
    await new Promise<void>((r) => model.listen(0, '127.0.0.1', () => r()));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const t = await startTestBot(
      { OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'gpt-test', OPENAI_BASE_URL: `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1` },
      { logger: createLogger('debug', sink) },
    );
    try {
      lines.length = 0;
      const user = makeUser();
      await t.say(user, `my pupil ${secret} asked me what mechanisms support the independent scrutineer?`);
      expect(t.connector.messagesTo(t.personalConversationId(user))).toHaveLength(1);
      expect(lines.some((l) => l.includes('model answer failed'))).toBe(true);
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    } finally {
      await t.stop();
      model.closeAllConnections();
      await new Promise<void>((r) => model.close(() => r()));
    }
  });
});
