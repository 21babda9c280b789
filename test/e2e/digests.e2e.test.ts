import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { DigestsFeature } from '../../bot/features/digests.feature';
import { ManualClock } from '../../src/clock';
import type { KnowledgeService } from '../../src/knowledge/knowledge.service';
import { makeUser, startTestBot, type TestBot, type TestUser } from '../helpers/bot-harness';
import { validateCard } from '../helpers/card-validator';
import type { CapturedActivity } from '../helpers/connector';

const cardOf = (a: { body: Record<string, any> } | undefined) => a?.body.attachments?.[0]?.content;
const json = (x: unknown) => JSON.stringify(x);

function actionsOf(card: any): any[] {
  const out: any[] = [];
  const walk = (n: any) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    if (typeof n.type === 'string' && n.type.startsWith('Action.')) out.push(n);
    for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v);
  };
  walk(card);
  return out;
}

const NEWSLETTER = [
  '# CSCP Newsletter Autumn 2026',
  'Welcome to the autumn edition.',
  '## Neglect toolkit relaunched',
  'The graded care profile has been refreshed. Practitioners should use it for every neglect assessment from November.',
  '## Escalation policy reminder',
  'If you disagree with a decision, talk to the worker first. Then follow the [escalation policy](https://www.coventry.gov.uk/escalation).',
].join('\n\n');

describe('newsletter digests over HTTP (real server, Azurite, capture connector)', () => {
  const admin = makeUser('Ada Admin');
  const [u1, u2, u3, u4] = [makeUser('Una One'), makeUser('Ted Two'), makeUser('Tia Three'), makeUser('Fay Four')];
  const outsider = makeUser('Nick Notadmin');
  const channelMember = makeUser('Cai Channel');
  const CHANNEL = '19:safeguarding@thread.tacv2';
  const clock = new ManualClock('2026-10-20T09:00:00Z'); // 10:00 in London (BST)
  let t: TestBot;
  let feature: DigestsFeature;

  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId, DIGEST_RATE_PER_SECOND: '50' }, { clock, noSchedulers: true });
    feature = t.bot.deps.features.digests as DigestsFeature;
  }, 60_000);
  afterAll(async () => t?.stop());

  const inbox = (u: TestUser) => t.connector.messagesTo(t.personalConversationId(u));
  const posts = (conversationId: string) => t.connector.messagesTo(conversationId).filter((a) => a.method === 'POST');
  const last = (u: TestUser) => inbox(u)[inbox(u).length - 1];
  const putsTo = (activityId: string) => t.connector.activities.filter((a) => a.method === 'PUT' && a.activityId === activityId);
  const lastPut = (activityId: string) => putsTo(activityId).pop();
  const isDigest = (a: CapturedActivity, title: string) => a.method === 'POST' && cardOf(a)?.body?.[0]?.text === title && json(cardOf(a)).includes('Ask me about this newsletter');
  const digestsIn = (conversationId: string, title: string) => posts(conversationId).filter((a) => isDigest(a, title));

  /** A message in the team channel, with the bot @mentioned as Teams sends it. */
  const inChannel = (user: TestUser, text: string, extra: Record<string, unknown> = {}) =>
    t.post({
      type: 'message',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: '28:bot', name: 'CSCP' },
      conversation: { id: `${CHANNEL};messageid=1700000000000`, conversationType: 'channel', tenantId: 'tenant-1', isGroup: true },
      channelData: { tenant: { id: 'tenant-1' }, team: { id: '19:team@thread.tacv2' }, channel: { id: CHANNEL } },
      text: `<at>CSCP</at> ${text}`,
      entities: [{ type: 'mention', text: '<at>CSCP</at>', mentioned: { id: '28:bot', name: 'CSCP' } }],
      ...extra,
    });

  async function openCreateForm(): Promise<{ id: string; requestId: string }> {
    await t.say(admin, 'digest new');
    const form = last(admin);
    const card = cardOf(form);
    expect(validateCard(card)).toEqual([]);
    const preview = actionsOf(card).find((a) => a.data?.verb === 'digestCreate');
    return { id: form.id, requestId: preview.data.requestId };
  }

  it('people subscribe by command, natural phrasing and the welcome button; a team member subscribes the channel; one unsubscribes', async () => {
    await t.say(u1, 'subscribe');
    expect(json(cardOf(last(u1)))).toContain('You are subscribed to the CSCP newsletter digest');
    expect(validateCard(cardOf(last(u1)))).toEqual([]);
    await t.say(u2, 'please sign me up to the newsletter');
    expect(json(cardOf(last(u2)))).toContain('You are subscribed');
    await t.submit(u3, { verb: 'subscribe' });
    expect(json(cardOf(last(u3)))).toContain('You are subscribed');
    await t.say(u4, 'subscribe');
    await t.say(u4, 'unsubscribe');
    expect(json(cardOf(last(u4)))).toContain('You are not subscribed');

    await inChannel(channelMember, 'subscribe');
    const reply = posts(`${CHANNEL};messageid=1700000000000`).pop();
    expect(json(cardOf(reply))).toContain('This channel is subscribed');

    await t.say(u1, 'subscribe');
    expect(json(cardOf(last(u1)))).toContain('Nothing changed: already subscribed.');
    await t.say(u4, 'am I subscribed?');
    expect(json(cardOf(last(u4)))).toContain('You are not subscribed');
    await t.say(u1, 'my subscriptions');
    const mine = cardOf(last(u1));
    expect(json(mine)).toContain('You are subscribed');
    // The subscription card's own button answers in place.
    const unsubscribe = actionsOf(mine).find((a) => a.data?.verb === 'unsubscribe');
    expect(unsubscribe.data).toEqual({ verb: 'unsubscribe', kind: 'user' });
    await t.submit(u1, unsubscribe.data, last(u1).id);
    expect(json(cardOf(lastPut(last(u1).id)))).toContain('You are not subscribed');
    await t.submit(u1, { verb: 'subscribe', kind: 'user' }, last(u1).id);
    expect(json(cardOf(lastPut(last(u1).id)))).toContain('You are subscribed');

    expect(await feature.service.subscriptions.count('user')).toBe(3);
    expect(await feature.service.subscriptions.count('channel')).toBe(1);
    expect(await feature.service.isSubscribed('channel', CHANNEL)).toBe(true);
    expect(await feature.service.isSubscribed('user', u4.aadObjectId)).toBe(false);
  });

  it('an unsubscribe asked in everyday words changes nothing until its button is tapped (the words may be about someone else)', async () => {
    const u5 = makeUser('Una Five');
    await t.say(u5, 'subscribe');
    // About a colleague: the classifier reads an unsubscribe, and the person asking must not lose the digest.
    await t.say(u5, 'our old deputy head left in the summer, can you take her off the newsletter list?');
    const card = cardOf(last(u5));
    expect(validateCard(card)).toEqual([]);
    expect(json(card)).toContain('You are subscribed');
    expect(json(card)).toContain('Tap **Unsubscribe** to stop it');
    expect(await feature.service.isSubscribed('user', u5.aadObjectId)).toBe(true);
    const button = actionsOf(card).find((a) => a.data?.verb === 'unsubscribe');
    expect(button.data).toEqual({ verb: 'unsubscribe', kind: 'user' });
    await t.submit(u5, button.data, last(u5).id);
    expect(json(cardOf(lastPut(last(u5).id)))).toContain('You are not subscribed');
    expect(await feature.service.isSubscribed('user', u5.aadObjectId)).toBe(false);
    // Asked again when there is nothing to stop: said so, with the Subscribe button.
    await t.say(u5, 'please stop sending me the newsletter');
    expect(json(cardOf(last(u5)))).toContain('Nothing to stop here.');
    // The typed command still acts at once.
    await t.say(u5, 'subscribe');
    await t.say(u5, 'unsubscribe');
    expect(json(cardOf(last(u5)))).toContain('You are not subscribed');
    expect(await feature.service.isSubscribed('user', u5.aadObjectId)).toBe(false);
    // A button sending the `unsubscribe` command (the answer's offers send `my-subscriptions` for it) confirms too.
    await t.say(u5, 'subscribe');
    await t.submit(u5, { verb: 'command', intent: 'unsubscribe' });
    expect(json(cardOf(last(u5)))).toContain('Tap **Unsubscribe** to stop it');
    expect(await feature.service.isSubscribed('user', u5.aadObjectId)).toBe(true);
    // (Leaves the subscribers as the tests below count them.)
    await t.say(u5, 'unsubscribe');
  });

  it('asked in other words in a channel, the card names the channel and how to stop one’s own; in a group chat, the 1:1 chat', async () => {
    const asked = 'our old deputy head left in the summer, can you take her off the newsletter list?';
    // The channel subscribed in the first test: a tap would stop its posts for everyone, so nothing changes yet.
    await inChannel(channelMember, asked);
    const reply = json(cardOf(posts(`${CHANNEL};messageid=1700000000000`).pop()));
    expect(reply).toContain('This channel is subscribed');
    expect(reply).toContain('stop the digest posts in this channel for everyone here');
    expect(reply).toContain('To stop your own digest, type **unsubscribe** in your 1:1 chat with me');
    expect(await feature.service.isSubscribed('channel', CHANNEL)).toBe(true);
    // In a group chat no card with one person's subscription goes to the group; nothing changes.
    const u6 = makeUser('Gil Six');
    await t.say(u6, 'subscribe');
    const group = { id: `19:group-${randomUUID()}@thread.v2`, conversationType: 'groupChat', tenantId: 'tenant-1' };
    await t.say(u6, asked, { conversation: group });
    const inGroup = t.connector.messagesTo(group.id);
    expect(inGroup.map((m) => m.body.text)).toEqual([expect.stringContaining('type **unsubscribe** in your chat with me')]);
    expect(inGroup[0].body.attachments ?? []).toEqual([]);
    expect(await feature.service.isSubscribed('user', u6.aadObjectId)).toBe(true);
    // (Leaves the subscribers as the tests below count them.)
    await t.say(u6, 'unsubscribe');
    expect(await feature.service.isSubscribed('user', u6.aadObjectId)).toBe(false);
  });

  it('a non-admin is refused politely at every publishing step, and nothing is created', async () => {
    await t.say(outsider, 'digest new');
    expect(last(outsider).body.text).toMatch(/only CSCP admins can publish/);
    await t.submit(outsider, { verb: 'digestCreate', requestId: 'outsider-1', content: NEWSLETTER });
    expect(last(outsider).body.text).toMatch(/only CSCP admins can publish/);
    await t.say(outsider, 'digest report');
    expect(last(outsider).body.text).toMatch(/only CSCP admins can publish/);
    await t.submit(outsider, { verb: 'digestSend', digestId: 'dg-20261020-000000' });
    expect(last(outsider).body.text).toMatch(/only CSCP admins can publish/);
    expect(await feature.service.listReports()).toHaveLength(0);
  });

  it('an empty newsletter or a bad link is refused on the form itself, keeping what was typed; nothing is saved', async () => {
    const form = await openCreateForm();
    await t.submit(admin, { verb: 'digestCreate', requestId: form.requestId, title: 'Empty one', content: '   ' }, form.id);
    let card = cardOf(lastPut(form.id));
    expect(validateCard(card)).toEqual([]);
    expect(json(card)).toMatch(/empty/i);
    expect(json(card)).toContain('Empty one');
    await t.submit(admin, { verb: 'digestCreate', requestId: form.requestId, content: NEWSLETTER, url: 'http://insecure.example/n' }, form.id);
    card = cardOf(lastPut(form.id));
    expect(json(card)).toContain('a link starting with https://');
    expect(card.body.find((b: any) => b.id === 'content').value).toBe(NEWSLETTER);
    expect(await feature.service.listReports()).toHaveLength(0);
  });

  let digestId = '';
  let formId = '';
  const TITLE = 'CSCP Newsletter Autumn 2026';

  it('an admin creates a digest and sees exactly the subscribers’ card with Send now, Schedule and Cancel', async () => {
    const form = await openCreateForm();
    formId = form.id;
    const values = { title: '', published: '2026-10-20', url: 'https://www.coventry.gov.uk/cscp-newsletter', format: 'markdown', content: NEWSLETTER };
    // Double click on Preview: one draft.
    await Promise.all([
      t.submit(admin, { verb: 'digestCreate', requestId: form.requestId, ...values }, form.id),
      t.submit(admin, { verb: 'digestCreate', requestId: form.requestId, ...values }, form.id),
    ]);
    const reports = await feature.service.listReports();
    expect(reports).toHaveLength(1);
    digestId = reports[0].digest.id;
    const preview = cardOf(lastPut(form.id));
    expect(validateCard(preview)).toEqual([]);
    expect(json(preview)).toContain('This is exactly the card 4 subscribers will get.');
    expect(json(preview)).toContain('Neglect toolkit relaunched');
    expect(actionsOf(preview).map((a) => a.title)).toEqual(
      expect.arrayContaining(['Send now', 'Schedule', 'Cancel', 'Read the full newsletter', 'Ask me about this newsletter', 'Unsubscribe']),
    );
    // The subscribers' card is the preview's inner container, the same elements.
    const subscriberCard = cardOf({ body: (await feature.service.preview(digestId)) as Record<string, any> });
    const inner = preview.body[1].items;
    expect(inner.slice(0, -1)).toEqual(subscriberCard.body);
    expect(inner[inner.length - 1].actions).toEqual(subscriberCard.actions);
  });

  it('a schedule in the past is refused on the preview and nothing is sent', async () => {
    await t.submit(admin, { verb: 'digestSchedule', digestId, scheduleDate: '2026-10-20', scheduleTime: '09:30' }, formId);
    const card = cardOf(lastPut(formId));
    expect(validateCard(card)).toEqual([]);
    expect(json(card)).toContain('2026-10-20 09:30 UK time has already passed');
    expect(json(card)).toContain('Send now');
    await t.submit(admin, { verb: 'digestSchedule', digestId, scheduleDate: '2026-10-21' }, formId);
    expect(json(cardOf(lastPut(formId)))).toContain('Pick a date and a time');
    expect((await feature.service.get(digestId))?.status).toBe('draft');
    expect(t.connector.activities.filter((a) => isDigest(a, TITLE))).toHaveLength(0);
  });

  it('Send now (clicked twice) delivers one card to each subscriber and the channel, none to the unsubscribed; the preview becomes the report', async () => {
    await Promise.all([
      t.submit(admin, { verb: 'digestSend', digestId }, formId),
      t.submit(admin, { verb: 'digestSend', digestId }, formId),
    ]);
    await t.connector.waitFor(() => json(cardOf(lastPut(formId))).includes('Delivery report'), 20_000);
    await feature.service.whenIdle();
    for (const u of [u1, u2, u3]) expect(digestsIn(t.personalConversationId(u), TITLE)).toHaveLength(1);
    expect(digestsIn(CHANNEL, TITLE)).toHaveLength(1);
    expect(digestsIn(t.personalConversationId(u4), TITLE)).toHaveLength(0);
    expect(digestsIn(t.personalConversationId(admin), TITLE)).toHaveLength(0);
    expect(t.connector.activities.filter((a) => isDigest(a, TITLE))).toHaveLength(4);
    const sent = cardOf(digestsIn(CHANNEL, TITLE)[0]);
    expect(validateCard(sent)).toEqual([]);

    const report = await feature.service.report(digestId);
    expect(report.digest).toMatchObject({ status: 'sent', counts: { total: 4, sent: 4, failed: 0, blocked: 0 } });
    const final = cardOf(lastPut(formId));
    expect(validateCard(final)).toEqual([]);
    expect(json(final)).toContain('4 of 4');

    // The newsletter went into the guidance index for "Ask me about this".
    const docs = await (t.bot.deps.features.knowledge as KnowledgeService).listDocuments();
    expect(docs.map((d) => d.id)).toContain(`newsletter-${digestId}`);

    // "Ask me about this" on a story puts its question to the Q&A, which now answers from the newsletter.
    const ask = actionsOf(cardOf(digestsIn(t.personalConversationId(u1), TITLE)[0])).find((a) => a.data?.verb === 'ask' && a.title === 'Ask me about this');
    expect(ask.data.docId).toBe(`newsletter-${digestId}`);
    await t.submit(u1, ask.data);
    const answer = json(last(u1).body);
    expect(answer).toContain('graded care profile');
    expect(answer).toContain(TITLE);
    // Every passage it cites comes from that newsletter, none from the bundled guidance.
    const cited = last(u1).body.entities.find((e: { type: string }) => e.type === 'https://schema.org/Message').citation;
    expect(cited.length).toBeGreaterThan(0);
    for (const c of cited) expect(c.appearance.name).toContain(TITLE.slice(0, 30));
    // "Ask me about this newsletter" stays inside it too.
    const whole = actionsOf(cardOf(digestsIn(t.personalConversationId(u1), TITLE)[0])).find((a) => a.data?.verb === 'ask' && a.title === 'Ask me about this newsletter');
    await t.submit(u1, whole.data);
    const about = last(u1).body.entities.find((e: { type: string }) => e.type === 'https://schema.org/Message').citation;
    for (const c of about) expect(c.appearance.name).toContain(TITLE.slice(0, 30));

    // A late third click changes nothing.
    await t.submit(admin, { verb: 'digestSend', digestId }, formId);
    await feature.service.whenIdle();
    expect(t.connector.activities.filter((a) => isDigest(a, TITLE))).toHaveLength(4);
  });

  it('Unsubscribe on the digest answers with a new card and leaves the digest as it was', async () => {
    const digest = digestsIn(t.personalConversationId(u2), TITLE)[0];
    const unsub = actionsOf(cardOf(digest)).find((a) => a.title === 'Unsubscribe');
    await t.submit(u2, unsub.data, digest.id);
    expect(putsTo(digest.id)).toHaveLength(0);
    expect(json(cardOf(last(u2)))).toContain('You are not subscribed');
    expect(await feature.service.isSubscribed('user', u2.aadObjectId)).toBe(false);
  });

  it('digest report lists the digest with its figures; Details opens its report', async () => {
    await t.say(admin, 'digest report');
    const list = cardOf(last(admin));
    expect(validateCard(list)).toEqual([]);
    expect(json(list)).toContain(TITLE);
    expect(json(list)).toContain('4 sent · 0 failed · 0 blocked');
    const details = actionsOf(list).find((a) => a.data?.verb === 'digestReport');
    await t.submit(admin, details.data, last(admin).id);
    expect(putsTo(last(admin).id)).toHaveLength(0);
    expect(json(cardOf(last(admin)))).toContain('Delivery report');
  });

  it('a digest scheduled across the October clock change goes at 09:00 London time, once, when the tick comes', async () => {
    const form = await openCreateForm();
    const content = NEWSLETTER.replace('Autumn 2026', 'Winter 2026');
    await t.submit(admin, { verb: 'digestCreate', requestId: form.requestId, content }, form.id);
    const id = (await feature.service.listReports()).find((r) => r.digest.title.includes('Winter'))!.digest.id;
    await t.submit(admin, { verb: 'digestSchedule', digestId: id, scheduleDate: '2026-10-26', scheduleTime: '09:00' }, form.id);
    const scheduled = cardOf(lastPut(form.id));
    expect(validateCard(scheduled)).toEqual([]);
    expect(json(scheduled)).toContain('Scheduled for Monday 26 October 2026, 09:00 (UK time)');
    expect((await feature.service.get(id))?.scheduledFor).toBe('2026-10-26T09:00:00.000Z'); // GMT after the change

    clock.set('2026-10-26T08:59:30Z');
    expect((await feature.scheduler.tick()).started).toEqual([]);
    clock.set('2026-10-26T09:00:00Z');
    const [a, b] = await Promise.all([feature.scheduler.tick(), feature.scheduler.tick()]);
    expect([...a.started, ...b.started]).toEqual([id]);
    await t.connector.waitFor(() => json(cardOf(lastPut(form.id))).includes('Delivery report'), 20_000);
    await feature.service.whenIdle();
    const winter = 'CSCP Newsletter Winter 2026';
    for (const u of [u1, u3]) expect(digestsIn(t.personalConversationId(u), winter)).toHaveLength(1);
    expect(digestsIn(t.personalConversationId(u2), winter)).toHaveLength(0); // unsubscribed from the last one
    expect(digestsIn(CHANNEL, winter)).toHaveLength(1);
  });

  describe('a newsletter file sent in the 1:1 chat', () => {
    let server: http.Server;
    let base = '';
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        if (req.url === '/spring.md') {
          res.writeHead(200, { 'content-type': 'text/markdown' });
          res.end(NEWSLETTER.replace('Autumn 2026', 'Spring 2027'));
        } else if (req.url === '/huge.md') {
          res.writeHead(200, { 'content-type': 'text/markdown' });
          res.end(Buffer.alloc(11 * 1024 * 1024, 'a'));
        } else {
          res.writeHead(404);
          res.end();
        }
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => new Promise<void>((r) => server.close(() => r())));

    const teamsFile = (name: string, url: string) => ({
      text: '',
      attachments: [
        { contentType: 'application/vnd.microsoft.teams.file.download.info', contentUrl: url, name, content: { downloadUrl: url, uniqueId: randomUUID(), fileType: name.split('.').pop() } },
        { contentType: 'text/html', content: '<div></div>' },
      ],
    });

    it('from an admin becomes a draft and its preview', async () => {
      await t.say(admin, '', teamsFile('spring.md', `${base}/spring.md`));
      const preview = cardOf(last(admin));
      expect(validateCard(preview)).toEqual([]);
      expect(json(preview)).toContain('CSCP Newsletter Spring 2027');
      expect(json(preview)).toContain('Send now');
      expect((await feature.service.listReports()).find((r) => r.digest.title.includes('Spring'))?.digest.status).toBe('draft');
    });

    it('too large, missing or of the wrong type gets a clear message and no draft', async () => {
      const before = (await feature.service.listReports()).length;
      await t.say(admin, '', teamsFile('huge.md', `${base}/huge.md`));
      expect(last(admin).body.text).toMatch(/over 10 MB/);
      await t.say(admin, '', teamsFile('gone.md', `${base}/gone.md`));
      expect(last(admin).body.text).toMatch(/could not download that file \(status 404\)/);
      await t.say(admin, '', teamsFile('budget.xlsx', `${base}/budget.xlsx`));
      expect(last(admin).body.text).toMatch(/not \.xlsx/);
      await t.say(admin, '', teamsFile('remote.md', 'http://example.org/remote.md'));
      expect(last(admin).body.text).toMatch(/only download files that Teams shares from your organisation’s OneDrive or SharePoint, over https/);
      expect(await feature.service.listReports()).toHaveLength(before);
    });

    it('from anyone else is politely declined', async () => {
      const before = (await feature.service.listReports()).length;
      await t.say(outsider, '', teamsFile('spring.md', `${base}/spring.md`));
      expect(last(outsider).body.text).toMatch(/I can only read text messages/);
      expect(await feature.service.listReports()).toHaveLength(before);
    });
  });
});
