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
import { changeCounts, changesBetween, personalActivity, postChecked, sharedActivity, snapshot, type Row } from '../../helpers/trust';
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
  /** An Action.Execute on the team card in the escalations channel. */
  const teamAction = (u: typeof sam, verb: string, escalationId: string) =>
    sharedActivity(t, u, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, escalationId } } } }, { channel: CHANNEL });
  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId, ESCALATION_TEAM_IDS: `${sam.aadObjectId},${kim.aadObjectId}` });
    await postChecked(t, sharedActivity(t, admin, { type: 'message', text: 'escalations here' }, { channel: CHANNEL }));
    // Everyone's 1:1 reference is stored now, so "nothing stored" below is not upset by a first message.
    for (const u of [admin, dsl]) await postChecked(t, personalActivity(t, u, { type: 'message', text: 'help' }));
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  it('the escalations report shows the other agency as text, not a link', async () => {
    // The injected label arrives as a form over HTTP: saved as typed (it is escaped where it is shown).
    const before = await snapshot(t);
    await postChecked(t, personalActivity(t, dsl, { type: 'message', value: { verb: 'escalationSubmit', ...validForm({ otherAgency: LINK_ATTACK }) } }));
    const changes = changesBetween(before, await snapshot(t));
    expect(Object.keys(changes).sort()).toEqual(['Counters', 'EscalationHistory', 'Escalations']);
    const counts = changeCounts(changes);
    expect(counts.Escalations).toEqual({ added: 2 }); // the record and its submission marker
    expect(counts.EscalationHistory).toEqual({ added: 1 });
    expect((counts.Counters.added ?? 0) + (counts.Counters.changed ?? 0)).toBe(1); // the year's reference counter
    const record = changes.Escalations.added.find((r) => r.otherAgency !== undefined)!;
    expect(record).toMatchObject({ otherAgency: LINK_ATTACK, status: 'new', submitterAadId: dsl.aadObjectId });

    t.connector.clear();
    const reportBefore = await snapshot(t);
    await postChecked(t, personalActivity(t, admin, { type: 'message', text: 'escalations report' }));
    expect(changesBetween(reportBefore, await snapshot(t))).toEqual({});
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
    // Sam (whose display name is a markdown link) acknowledges: the record keeps the name as Teams sent it.
    const before = await snapshot(t);
    await postChecked(t, teamAction(sam, 'escalationAck', record.id));
    const changes = changesBetween(before, await snapshot(t));
    expect(changeCounts(changes)).toEqual({ Escalations: { changed: 1 }, EscalationHistory: { added: 1 } });
    expect(changes.Escalations.changed[0].after).toMatchObject({ status: 'acknowledged' });
    expect(JSON.stringify(changes.EscalationHistory.added[0])).toContain(JSON.stringify(sam.name).slice(1, -1));

    // Kim, a moment late, is told who acted first; nothing changes.
    const lateBefore = await snapshot(t);
    const late = await postChecked(t, teamAction(kim, 'escalationAck', record.id));
    expect(changesBetween(lateBefore, await snapshot(t))).toEqual({});
    const said = JSON.stringify(late.body);
    expect(said).toContain('acknowledged');
    expect(said).toContain('evil');
    const notice = (late.body.value.body as { text?: string }[]).map((b) => b.text ?? '').find((x) => x.includes('evil'))!;
    expect(notice).not.toMatch(LIVE_LINK);
  });

  it('refuses “Jane Smith 2015” as a case reference: the form comes back, nothing stored', async () => {
    const before = await snapshot(t);
    await postChecked(t, personalActivity(t, dsl, { type: 'message', value: { verb: 'escalationSubmit', ...validForm({ caseReference: 'Jane Smith 2015' }) } }));
    expect(JSON.stringify(t.connector.activities)).toContain('never a child’s name');
    expect(changesBetween(before, await snapshot(t))).toEqual({});
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

describe('the generative-mode check over HTTP', () => {
  const QUESTION = 'What mechanisms support the independent scrutineer in the role?';
  /** What the model says next, and every request it was sent. */
  let reply = '';
  const calls: string[] = [];
  let model: http.Server;
  let t: TestBot;

  beforeAll(async () => {
    model = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls.push(`${req.method} ${req.url}`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${randomUUID()}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: 'gpt-test',
            choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
      });
    });
    await new Promise<void>((r) => model.listen(0, '127.0.0.1', () => r()));
    t = await startTestBot({ OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'gpt-test', OPENAI_BASE_URL: `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1` });
  });
  afterAll(async () => {
    await t.stop();
    model.closeAllConnections();
    await new Promise<void>((r) => model.close(() => r()));
  });
  beforeEach(() => {
    t.connector.clear();
    calls.length = 0;
  });

  /**
   * A new person asks QUESTION while the model answers `modelReply`: the request is checked (CPU, card sizes);
   * what is stored is exactly their conversation reference, one answer-log row and the three rows that map the
   * answer message and the follow-up context. Returns the reply text and the answer-log row.
   */
  async function ask(modelReply: string): Promise<{ text: string; logged: Row }> {
    reply = modelReply;
    const user = makeUser();
    const before = await snapshot(t);
    await postChecked(t, personalActivity(t, user, { type: 'message', text: QUESTION }));
    expect(calls).toEqual(['POST /v1/chat/completions']);
    const sent = t.connector.messagesTo(t.personalConversationId(user));
    expect(sent).toHaveLength(1);
    const changes = changesBetween(before, await snapshot(t));
    expect(changeCounts(changes)).toEqual({ Conversations: { added: 1 }, AnswerLog: { added: 1 }, AnswerMessages: { added: 3 } });
    expect(changes.Conversations.added[0]).toMatchObject({ aadObjectId: user.aadObjectId });
    const logged = changes.AnswerLog.added[0];
    expect(logged).toMatchObject({ question: QUESTION, urgent: false });
    return { text: String(sent[0].body.text), logged };
  }

  it('uses a grounded model reply (so the refusals below are the check at work)', async () => {
    const grounded = 'Multi-agency audits and reviews support the scrutineer [1].';
    const { text, logged } = await ask(grounded);
    expect(text).toContain('Multi-agency audits and reviews support the scrutineer');
    expect(logged.answer).toContain('Multi-agency audits and reviews support the scrutineer');
  });

  it.each([
    ['a bracketed area code', 'Call (024) 7683 3003 for advice [1].', '7683 3003'],
    ['+44 (0) form', 'Ring +44 (0)24 7683 3003 today [1].', '7683 3003'],
    ['a freephone number', 'Childline is on 0800 1111 for children [1].', '0800 1111'],
    ['a six-digit helpline', 'Samaritans answer on 116 123 at any time [1].', '116 123'],
    ['an upper-case link', 'Read HTTPS://EVIL.EXAMPLE/guide for more [1].', 'EVIL.EXAMPLE'],
    ['a protocol-relative link', 'Read //evil.example/guide for more [1].', 'evil.example'],
    ['a bare domain with a path', 'Read evil.co.uk/guide for the detail [1].', 'evil.co.uk'],
    ['a markdown link', 'Read [the guide](https://evil.example/guide) first [1].', 'evil.example'],
    ['an invented email', 'Email help@evil.example for advice [1].', 'help@evil'],
    ['an uncited sentence beside a cited one', 'Audits support the scrutineer. Always phone the police first when you disagree with a decision. It ends with the CSCP [1].', 'phone the police first'],
  ])('a model reply with %s is not shown or stored; the extractive answer goes instead', async (_n, modelReply, needle) => {
    const { text, logged } = await ask(modelReply);
    expect(text.toLowerCase()).not.toContain(needle.toLowerCase());
    expect(String(logged.answer).toLowerCase()).not.toContain(needle.toLowerCase());
    expect(text).toMatch(/\[1\]/);
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
      const before = await snapshot(t);
      await postChecked(t, personalActivity(t, user, { type: 'message', text: `my pupil ${secret} asked me what mechanisms support the independent scrutineer?` }));
      expect(t.connector.messagesTo(t.personalConversationId(user))).toHaveLength(1);
      expect(lines.some((l) => l.includes('model answer failed'))).toBe(true);
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
      // Stored: their conversation reference, the answer (its question masked), the rows that map the answer
      // message to it, and the follow-up context (stems of the masked question).
      const changes = changesBetween(before, await snapshot(t));
      expect(changeCounts(changes)).toEqual({ Conversations: { added: 1 }, AnswerLog: { added: 1 }, AnswerMessages: { added: 3 } });
      expect(changes.AnswerLog.added[0].question).toBe('my pupil [name] asked me what mechanisms support the independent scrutineer?');
      expect(changes.AnswerMessages.added.map((r) => r.partitionKey).sort()).toEqual(['ctx', 'latest', 'm']);
      expect(JSON.stringify(changes)).not.toMatch(new RegExp(secret, 'i'));
    } finally {
      await t.stop();
      model.closeAllConnections();
      await new Promise<void>((r) => model.close(() => r()));
    }
  });
});
