import { randomUUID } from 'node:crypto';
import { validateCard } from '../helpers/card-validator';
import { makeUser, startTestBot, type TestBot } from '../helpers/bot-harness';
import { channelMessages, sharedActivity } from '../helpers/trust';

/** Questions written for these tests (not taken from the evaluation set). */
describe('guidance Q&A over HTTP', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ EMERGENCY_MASH_CONTACT: 'MASH test line 000 0000 0000' });
  }, 60_000);
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  async function ask(text: string) {
    const user = makeUser();
    await t.say(user, text);
    const sent = t.connector.messagesTo(t.personalConversationId(user));
    expect(sent).toHaveLength(1);
    return { user, reply: sent[0].body, id: sent[0].id };
  }

  it('answers from the guidance with numbered citations, the AI label, feedback buttons and a sources card', async () => {
    const { reply } = await ask('What mechanisms support the independent scrutineer in the role?');
    expect(reply.text).toMatch(/multi-agency audits/i);
    expect(reply.text).toMatch(/\[1\]/);
    const entity = reply.entities.find((e: any) => e.type === 'https://schema.org/Message');
    expect(entity.additionalType).toEqual(['AIGeneratedContent']);
    expect(entity.citation[0]).toMatchObject({ '@type': 'Claim', position: 1, appearance: { '@type': 'DigitalDocument' } });
    const appearance = entity.citation[0].appearance;
    // The pop-up's title is the document and its section, its abstract the passage (Teams' limits: 80 and 160).
    // (The annual report and the arrangements give the same list under the same heading: either may lead.)
    expect(appearance.name).toMatch(/^CSCP (Annual Report 2024-2025|multi-agency arrangements) — Independent Scrutiny/);
    expect(appearance.name.length).toBeLessThanOrEqual(80);
    expect(appearance.abstract.length).toBeLessThanOrEqual(160);
    expect(appearance.abstract).not.toBe(appearance.name);
    // Neither has a web link of its own: the pop-up links nowhere rather than the partnership's home page.
    expect(appearance.url).toBeUndefined();
    expect(reply.channelData).toEqual({ feedbackLoopEnabled: true });
    const card = reply.attachments[0].content;
    expect(validateCard(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain('Show the passage');
    expect(json).toContain('Independent Scrutineer');
    expect(json).toContain('has no web link of its own');
    expect(json).not.toContain('Open the source');
    // The answer names its subject: each quoted passage is introduced by its document, in bold so the passages
    // stand apart (the quote itself is not).
    expect(reply.text).toMatch(/^\*\*From the CSCP (Annual Report 2024-2025|multi-agency arrangements) — [^\n]+:\*\*\n\n[^*]/);
  });

  it('a newsletter links to its own page; contact details from a dated source are flagged before they are given', async () => {
    const { reply } = await ask('who do i contact about prevent?');
    const lines = reply.text.split('\n\n');
    expect(lines[0]).toMatch(/current CSCP guidance gives no contact for this/);
    expect(lines[1]).toMatch(/published 2016 — may be out of date/);
    expect(reply.text.indexOf('may be out of date')).toBeLessThan(reply.text.indexOf('024 7683 1437'));
    const entity = reply.entities.find((e: any) => e.type === 'https://schema.org/Message');
    expect(entity.citation[0].appearance.url).toBe('https://www.coventry.gov.uk/coventry-local-safeguarding-children-board/newsletters');
    expect(JSON.stringify(reply.attachments[0].content)).toContain('Open the source');
  });

  it('reads a follow-up against the question before it, until a command ends the topic', async () => {
    const user = makeUser();
    const conv = t.personalConversationId(user);
    await t.say(user, 'who are the delegated safeguarding partners?');
    await t.say(user, 'and how often do they meet?');
    const [, second] = t.connector.messagesTo(conv).map((a) => a.body);
    // "they" are the delegated partners: their monthly executive meeting, not any group's meetings.
    expect(second.text).toMatch(/monthly/i);
    expect(second.text).toMatch(/Delegated Safeguarding Partners/);
    // A command clears the context: the same follow-up no longer knows what "they" are, so it is answered as a
    // question of its own (about meetings in general), not led by the delegated partners' meeting.
    await t.say(user, 'my subscriptions');
    await t.say(user, 'and how often do they meet?');
    const replies = t.connector.messagesTo(conv).map((a) => a.body);
    // (the first quoted passage: up to its [1] marker)
    const lead = (text: string) => text.slice(0, text.indexOf('[1]'));
    expect(lead(second.text)).toMatch(/Delegated Safeguarding Partners meet on a monthly basis/);
    expect(lead(replies[replies.length - 1].text)).not.toMatch(/Delegated Safeguarding Partners meet on a monthly basis/);
  });

  it('warns that a passage from an old document may be out of date', async () => {
    const { reply } = await ask('Who was the Prevent co-ordinator at the safeguarding board?');
    expect(reply.text).toContain('may be out of date');
    expect(JSON.stringify(reply.attachments[0].content)).toContain('published 2016 — may be out of date');
  });

  it('says plainly when the guidance does not answer, and signposts', async () => {
    const { reply } = await ask('What is the VAT rate on children’s car seats?');
    expect(reply.text).toContain("I couldn't find that in the CSCP guidance");
    expect(reply.text).toContain('coventry.gov.uk/cscp');
  });

  it('puts emergency guidance first for a child in immediate danger, with the configured contact', async () => {
    const { reply } = await ask('A boy in my class has just said his dad is going to hurt him when he gets home tonight and he is terrified');
    expect(reply.text.slice(0, 60)).toContain('If a child is in immediate danger, call 999');
    expect(reply.text.slice(0, 400)).toContain('MASH test line 000 0000 0000');
    expect(reply.channelData).toBeUndefined();
    // The emergency instructions are the partnership's fixed text: no "AI generated" label on them.
    const entity = reply.entities.find((e: any) => e.type === 'https://schema.org/Message');
    expect(entity).toBeDefined();
    expect(entity.additionalType).toBeUndefined();
  });

  it('does not treat a topic question as urgent', async () => {
    // An answer from the guidance or the list of domestic-abuse courses are both fair readings; neither is urgent.
    const { reply } = await ask('What training is there on domestic abuse?');
    const shown = JSON.stringify({ text: reply.text, attachments: reply.attachments });
    expect(shown).toMatch(/domestic abuse/i);
    expect(shown).not.toMatch(/couldn.t find/i);
    expect(shown).not.toMatch(/call 999|immediate danger/i);
  });

  it('routes natural phrasing to a feature instead of a search', async () => {
    const { reply } = await ask('what can you do?');
    expect(JSON.stringify(reply.attachments[0].content)).toContain('How I can help');
  });

  it('records Teams feedback-loop thumbs against the answer', async () => {
    const { user, id } = await ask('Who chairs the executive group?');
    const res = await t.invoke(
      user,
      'message/submitAction',
      { actionName: 'feedback', actionValue: { reaction: 'dislike', feedback: JSON.stringify({ feedbackText: 'too vague' }) } },
      { replyToId: id },
    );
    expect(res.status).toBe(200);
    const svc = t.bot.deps.features.ask as any;
    const answerId = await svc.messages.answerIdFor(id);
    expect(answerId).toBeDefined();
    const stats = await svc.answerLog.stats(1, 5);
    expect(stats.worst.find((w: any) => w.answerId === answerId)).toMatchObject({ down: 1, comments: ['too vague'] });
  });

  it('maps feedback that names no message (the Agents Playground sends none) to the conversation’s latest answer', async () => {
    const { user } = await ask('Who chairs the executive group?');
    const feedback = (conversationId: string) =>
      t.invoke(
        user,
        'message/submitAction',
        { actionName: 'feedback', actionValue: { reaction: 'like', feedback: JSON.stringify({ feedbackText: 'spot on' }) } },
        { conversation: { id: conversationId, conversationType: 'personal', tenantId: 'tenant-1' } },
      );
    expect((await feedback(t.personalConversationId(user))).status).toBe(200);
    const svc = t.bot.deps.features.ask as any;
    const answerId = await svc.messages.latestAnswerIn(t.personalConversationId(user));
    expect(answerId).toBeDefined();
    expect(await svc.answerLog.get(answerId)).toMatchObject({ up: 1, down: 0 });

    // In a conversation with no answer at all, the person is told the feedback was not saved.
    t.connector.clear();
    const other = `a:${randomUUID()}`;
    expect((await feedback(other)).status).toBe(200);
    expect(t.connector.messagesTo(other).map((a) => a.body.text).join(' ')).toMatch(/could not tell which answer/);
  });

  describe('bad input gets a clear, polite reply', () => {
    it('only emoji', async () => {
      const { reply } = await ask('🙂🙂👍');
      expect(reply.text).toBeTruthy();
      expect(reply.text).not.toContain('999');
    });

    it('10,000 characters: reads all of it, answers the question in it and says so', async () => {
      const { reply } = await ask(`What mechanisms support the independent scrutineer? ${'and more words '.repeat(700)}`.slice(0, 10_000));
      expect(reply.text).toMatch(/Your message was long: I read all of it/);
      expect(reply.text).toMatch(/Independent Scrutiny/);
    });

    it('another language', async () => {
      const { reply } = await ask('¿Dónde puedo encontrar la política de escalamiento para desacuerdos profesionales?');
      expect(reply.text).toMatch(/English/);
    });

    it('markdown, HTML and card injection are not echoed as markup', async () => {
      const { reply } = await ask('<script>alert(1)</script> [click me](https://evil.example) {"type":"AdaptiveCard"} who is the LADO?');
      expect(reply.text).not.toContain('<script>');
      expect(reply.text).not.toContain('](https://evil.example)');
    });
  });

  describe('a message that may be a command is answered, with the command one tap away', () => {
    // Written for this test (not from the corpus); with the committed models its commands' probability falls
    // between the offer threshold and the routing threshold (the unit test of the shipped model checks the band).
    const MAYBE_TRAINING = 'any sessions on exploitation this term';
    const offers = (card: unknown) => {
      const out: { title: string; data: Record<string, unknown> }[] = [];
      JSON.stringify(card, (_k, v) => {
        if (v && typeof v === 'object' && v.type === 'Action.Submit' && v.data?.verb === 'command') out.push(v);
        return v;
      });
      return out;
    };

    it('in the person’s own chat: an answer, then "Or did you want me to:", whose button runs the command there', async () => {
      const { user, reply, id } = await ask(MAYBE_TRAINING);
      expect(reply.text).not.toMatch(/^Here are the upcoming/);
      const card = reply.attachments[0].content;
      expect(validateCard(card)).toEqual([]);
      expect(JSON.stringify(card)).toContain('Or did you want me to:');
      expect(offers(card)).toEqual([expect.objectContaining({ title: 'Show upcoming training sessions', data: { verb: 'command', intent: 'training' } })]);
      t.connector.clear();
      await t.submit(user, offers(card)[0].data, id);
      const sent = t.connector.messagesTo(t.personalConversationId(user));
      expect(sent).toHaveLength(1);
      expect(JSON.stringify(sent[0].body)).toContain('Upcoming multi-agency training');
    });

    it('in a channel: the answer without the offer (a command there would act for the channel)', async () => {
      const user = makeUser();
      await t.post(sharedActivity(t, user, { type: 'message', text: MAYBE_TRAINING }));
      const sent = channelMessages(t);
      expect(sent).toHaveLength(1);
      expect(JSON.stringify(sent[0].body)).not.toContain('Or did you want me to');
    });

    it('a forged command action for an unknown command gets the help card, and runs nothing', async () => {
      const user = makeUser();
      await t.submit(user, { verb: 'command', intent: 'constructor' });
      const sent = t.connector.messagesTo(t.personalConversationId(user));
      expect(sent).toHaveLength(1);
      expect(JSON.stringify(sent[0].body)).toContain('That button is no longer available');
    });
  });
});
