import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { TestAdapter } from 'botbuilder';
import { testConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { parsePdf } from '../../../src/knowledge/parse/pdf.parser';
import { parseDocumentBytes } from '../../../src/knowledge/parse/document.parser';
import { createOutboundGuard, TOO_LARGE_LINE } from '../../../bot/outbound-guard';
import { adaptiveCard, cardAttachment, text } from '../../../cards/card';
import { makeUser, startTestBot, type TestBot, type TestUser } from '../../helpers/bot-harness';
import { validateCard } from '../../helpers/card-validator';
import { largestCard, MAX_CARD_BYTES, MAX_REQUEST_CPU_MS, postTimed, tableCounts } from '../../helpers/trust';
import { validForm } from '../../unit/escalations/escalation-fixtures';

// The module objects the bot's code calls into (an `import * as` copy cannot be spied on).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlib = require('node:zlib') as typeof import('node:zlib');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mammoth = require('mammoth') as typeof import('mammoth');

/**
 * Issue 12, "Input size and cost": every field has a length limit at input and every card stays under 80 KB
 * (10); one person's message rate is limited, and with it the model's cost (11); a .docx zip bomb and an
 * oversized or slow PDF are refused without unpacking or reading them in the bot's process (12).
 */

const cardOf = (a: { body: Record<string, any> }) => a.body.attachments?.[0]?.content;

/** A zip by hand: each entry deflated; `declared` overrides the size written in the headers (a lying zip). */
function zip(entries: { name: string; data: Buffer; declared?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = deflateRawSync(e.data);
    const size = e.declared ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(e.data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(e.data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const minimalDocx = (documentXml: Buffer, declared?: number) =>
  zip([
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>') },
    { name: 'word/document.xml', data: documentXml, declared },
  ]);

describe('input size over HTTP', () => {
  const admin = makeUser('Ada Admin');
  const sam = makeUser('Sam Team');
  const dsl = makeUser('Dana Lead');
  let t: TestBot;
  const invokeBodies: unknown[] = [];
  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId, ESCALATION_TEAM_IDS: sam.aadObjectId, DOCX_MAX_UNCOMPRESSED_BYTES: String(2 * 1024 * 1024), PDF_MAX_PAGES: '1' });
  });
  afterAll(async () => {
    expect(largestCard(t, invokeBodies)).toBeLessThan(MAX_CARD_BYTES);
    await t.stop();
  });
  beforeEach(() => t.connector.clear());
  afterEach(() => expect(largestCard(t, invokeBodies)).toBeLessThan(MAX_CARD_BYTES));

  const big = (n: number) => 'x'.repeat(n);
  const submit = (u: TestUser, value: Record<string, unknown>) => postTimed(t, { ...baseOf(u), type: 'message', value, replyToId: 'form-1' });
  const baseOf = (u: TestUser) => ({
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: t.connector.url,
    from: { id: u.id, aadObjectId: u.aadObjectId, name: u.name },
    recipient: { id: '28:bot' },
    conversation: { id: t.personalConversationId(u), conversationType: 'personal', tenantId: 'tenant-1' },
  });

  it.each([
    ['an escalation form', () => ({ verb: 'escalationSubmit', ...validForm({ issue: big(100_000) }) })],
    ['a survey share', () => ({ verb: 'surveyLog', submissionId: randomUUID(), agencyType: 'school', setting: big(100_000), families: '3', method: 'email' })],
    ['a training session form', () => ({ verb: 'trainingSave', requestId: 'abcdef123', notes: big(50_000) })],
    ['a nested field', () => ({ verb: 'escalationSubmit', deep: { deeper: { text: big(20_000) } } })],
  ])('%s with a 100 KB field is refused with one short line; nothing stored, no big card', async (_n, value) => {
    const before = await tableCounts(t);
    const res = await submit(dsl, value());
    expect(res.status).toBe(200);
    expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
    const sent = t.connector.activities;
    expect(sent).toHaveLength(1);
    expect(sent[0].body.text).toMatch(/Nothing was saved: one of the answers is longer than 4,000 characters/);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('a long newsletter pasted into `digest new` is allowed past the field limit (its own limit applies)', async () => {
    const content = `# Autumn\n\n${Array.from({ length: 40 }, (_, i) => `## Item ${i}\n\n${'Practitioners should read the updated guidance on neglect. '.repeat(4)}`).join('\n\n')}`;
    expect(content.length).toBeGreaterThan(4000);
    await submit(admin, { verb: 'digestCreate', requestId: randomUUID(), title: 'Autumn', published: '2026-03-01', format: 'markdown', content });
    expect(JSON.stringify(t.connector.activities)).toContain('Preview');
  });

  it('a form re-drawn after a refusal never echoes more than its inputs allow', async () => {
    // Every field just under the field limit: the issue is over its own 2,000, so the form comes back.
    const value = { verb: 'escalationSubmit', ...validForm({ issue: big(3990), otherAgency: big(3990), outcomeWanted: big(3990), contactDetails: big(3990), caseReference: big(3990) }) };
    await submit(dsl, value);
    const redrawn = cardOf(t.connector.activities.find((a) => a.body.attachments)!);
    expect(validateCard(redrawn)).toEqual([]);
    const issue = JSON.stringify(redrawn).match(/"id":"issue"[^}]*"value":"(x*)"/)?.[1] ?? '';
    expect(issue.length).toBe(2000);
    expect(Buffer.byteLength(JSON.stringify(redrawn))).toBeLessThan(20 * 1024);
  });

  it('a team note of 100 KB through Action.Execute gets the line as its answer; nothing stored', async () => {
    const before = await tableCounts(t, ['Escalations', 'EscalationHistory']);
    const res = await postTimed(t, { ...baseOf(sam), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'escalationNote', data: { verb: 'escalationNote', escalationId: 'ESC-2026-0001', note: big(100_000) } } } });
    invokeBodies.push(res.body);
    expect(res.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/longer than 4,000 characters/) });
    expect(await tableCounts(t, ['Escalations', 'EscalationHistory'])).toEqual(before);
  });

  it('a 200,000-character message is read only up to MAX_MESSAGE_CHARS and answered quickly', async () => {
    const res = await postTimed(t, { ...baseOf(dsl), type: 'message', text: `what is the escalation policy ${'please '.repeat(30_000)}` });
    expect(res.status).toBe(200);
    expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
    expect(t.connector.messagesTo(t.personalConversationId(dsl))).toHaveLength(1);
  });

  it('a proactive card over 80 KB is refused with 413 before it leaves', async () => {
    await t.say(dsl, 'help');
    t.connector.clear();
    const huge = adaptiveCard([text(big(90 * 1024))]);
    const target = (await t.bot.deps.conversations.target('user', dsl.aadObjectId))!;
    await expect(t.bot.deps.notifier.send(target, { attachments: [cardAttachment(huge)] })).rejects.toMatchObject({ status: 413 });
    expect(t.connector.activities).toHaveLength(0);
  });

  describe('files', () => {
    const attach = (name: string, bytes: Buffer) => postTimed(t, { ...baseOf(admin), type: 'message', attachments: [{ contentType: 'application/octet-stream', name, contentUrl: `data:application/octet-stream;base64,${bytes.toString('base64')}` }] });
    const said = () => t.connector.messagesTo(t.personalConversationId(admin)).map((m) => m.body.text ?? '').join('\n');

    it.each([
      ['a .docx that unpacks to 40 MB (a zip bomb)', () => minimalDocx(Buffer.alloc(40 * 1024 * 1024, 0x20))],
      ['a .docx that says it is small but unpacks to 40 MB', () => minimalDocx(Buffer.alloc(40 * 1024 * 1024, 0x20), 100)],
    ])('%s is refused before it is unpacked: at most the 2 MB limit is inflated, and mammoth never sees it', async (_n, make) => {
      const bytes = make();
      expect(bytes.length).toBeLessThan(200 * 1024);
      const before = await tableCounts(t, ['Digests']);
      // The work done is counted, not timed: every byte zlib inflates for this request, and whether the .docx
      // reader was called at all (a CPU-time bound here failed on a loaded CI machine while nothing was inflated).
      const realInflate = zlib.inflateRawSync;
      let inflated = 0;
      const inflate = jest.spyOn(zlib, 'inflateRawSync').mockImplementation((buf, opts) => {
        const out = realInflate(buf, opts as import('node:zlib').ZlibOptions);
        inflated += out.length;
        return out;
      });
      const convert = jest.spyOn(mammoth, 'convertToHtml');
      const rssBefore = process.memoryUsage().rss;
      let converted = 0;
      try {
        const res = await attach('bomb.docx', bytes);
        process.stdout.write(`zip bomb refused: ${inflated} bytes inflated, ${res.cpuMs.toFixed(0)} ms of CPU\n`);
      } finally {
        converted = convert.mock.calls.length; // read before mockRestore, which forgets the calls
        inflate.mockRestore();
        convert.mockRestore();
      }
      expect(inflated).toBeLessThanOrEqual(2 * 1024 * 1024 + 2); // the limit, plus the one byte per entry that catches a lie
      expect(converted).toBe(0);
      expect(said()).toMatch(/bomb\.docx is too large to read: it unpacks to more than 2 MB/);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(30 * 1024 * 1024);
      expect(await tableCounts(t, ['Digests'])).toEqual(before);
    });

    it('a PDF over PDF_MAX_PAGES is refused, and its text is not read', async () => {
      const pdf = fs.readFileSync(path.join(__dirname, '../../fixtures/knowledge/water-safety-leaflet.pdf'));
      const res = await attach('leaflet.pdf', pdf);
      expect(res.cpuMs).toBeLessThan(MAX_REQUEST_CPU_MS);
      expect(said()).toMatch(/leaflet\.pdf is too large to read: it has 2 pages; at most 1 are read/);
    });
  });
});

describe('document limits outside the bot (ingestion)', () => {
  it('a PDF whose reading outlasts the time limit is given up (the reading process is killed)', async () => {
    const pdf = fs.readFileSync(path.join(__dirname, '../../fixtures/knowledge/water-safety-leaflet.pdf'));
    await expect(parsePdf(pdf, { pdfPages: 200, pdfTimeoutMs: 1 })).rejects.toThrow(/took longer than/);
    expect((await parsePdf(pdf, { pdfPages: 200, pdfTimeoutMs: 20_000 })).length).toBeGreaterThan(0);
  });

  it('an honest .docx under the limit is still read', async () => {
    const docx = fs.readFileSync(path.join(__dirname, '../../fixtures/knowledge/bruising-protocol.docx'));
    const doc = await parseDocumentBytes('bruising.docx', docx, {}, { docxUncompressedBytes: 1024 * 1024, pdfPages: 200, pdfTimeoutMs: 20_000 });
    expect(doc.blocks.length).toBeGreaterThan(0);
    await expect(parseDocumentBytes('bruising.docx', docx, {}, { docxUncompressedBytes: 1000, pdfPages: 200, pdfTimeoutMs: 20_000 })).rejects.toThrow(/too large to read/);
  });
});

describe('the card size guard inside a turn', () => {
  it('replaces an oversized reply card with one line, and passes normal cards', async () => {
    const adapter = new TestAdapter(async (ctx) => {
      await ctx.sendActivity({ type: 'message', attachments: [cardAttachment(adaptiveCard([text(ctx.activity.text === 'big' ? 'y'.repeat(100 * 1024) : 'small')]))] });
    });
    adapter.use(createOutboundGuard(testConfig({ ALLOWED_SERVICE_URL_HOSTS: 'test.com' }), createLogger('silent')));
    await adapter.send('big').assertReply((a) => {
      expect(a.attachments ?? []).toHaveLength(0);
      expect(a.text).toBe(TOO_LARGE_LINE);
    });
    await adapter.send('small').assertReply((a) => expect(a.attachments).toHaveLength(1));
  });
});

describe('per-person message rate', () => {
  let t: TestBot;
  let model: http.Server;
  let modelCalls = 0;
  beforeAll(async () => {
    model = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        modelCalls++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'NOT_IN_GUIDANCE' }, finish_reason: 'stop' }] }));
      });
    });
    await new Promise<void>((r) => model.listen(0, '127.0.0.1', () => r()));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    t = await startTestBot({ USER_MESSAGES_PER_MINUTE: '3', OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'gpt-test', OPENAI_BASE_URL: `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1` });
  }, 60_000);
  afterAll(async () => {
    await t.stop();
    model.closeAllConnections();
    await new Promise<void>((r) => model.close(() => r()));
  });

  it('answers three messages a minute, says once that it has paused, then stays silent; the model is asked three times', async () => {
    const user = makeUser();
    const question = 'What supports the independent scrutineer in the role?';
    for (let i = 0; i < 6; i++) {
      const res = await postTimed(t, { id: randomUUID(), type: 'message', text: question, channelId: 'msteams', serviceUrl: t.connector.url, from: { id: user.id, aadObjectId: user.aadObjectId }, recipient: { id: '28:bot' }, conversation: { id: t.personalConversationId(user), conversationType: 'personal', tenantId: 'tenant-1' } });
      expect(res.status).toBe(200);
    }
    const sent = t.connector.messagesTo(t.personalConversationId(user));
    expect(sent).toHaveLength(4);
    expect(sent[3].body.text).toMatch(/faster than I can answer.*call 999/);
    expect(modelCalls).toBeLessThanOrEqual(3);
    expect(modelCalls).toBeGreaterThan(0);

    // A card button is a message too: the fourth invoke in the minute gets the line as its answer.
    const clicks = await t.say(user, '', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'trainingBook', data: { verb: 'trainingBook', sessionId: 'ts-abcdef123456' } } } });
    expect(clicks.body.value).toMatch(/faster than I can answer/);

    // Someone else is not affected.
    const other = makeUser();
    await t.say(other, 'help');
    expect(t.connector.messagesTo(t.personalConversationId(other))).toHaveLength(1);
  });
});
