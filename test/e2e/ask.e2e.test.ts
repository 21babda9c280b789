import { randomUUID } from 'node:crypto';
import { validateCard } from '../helpers/card-validator';
import { makeUser, startTestBot, type TestBot } from '../helpers/bot-harness';

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
    expect(entity.citation[0].appearance.abstract.length).toBeLessThanOrEqual(160);
    expect(entity.citation[0].appearance.url).toMatch(/^https:\/\//);
    expect(reply.channelData).toEqual({ feedbackLoopEnabled: true });
    const card = reply.attachments[0].content;
    expect(validateCard(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain('Show the passage');
    expect(json).toContain('Independent Scrutineer');
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
  });

  it('does not treat a topic question as urgent', async () => {
    const { reply } = await ask('What training is there on domestic abuse?');
    expect(reply.text).not.toContain('call 999');
  });

  it('routes natural phrasing to a feature instead of a search', async () => {
    const { reply } = await ask('what can you do?');
    expect(JSON.stringify(reply.attachments[0].content)).toContain('How I can help');
  });

  it('records Teams feedback-loop thumbs against the answer', async () => {
    const { user, id } = await ask('Who chairs the executive group?');
    const res = await t.post({
      type: 'invoke',
      name: 'message/submitAction',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
      recipient: { id: '28:bot' },
      conversation: { id: t.personalConversationId(user), conversationType: 'personal' },
      replyToId: id,
      value: { actionName: 'feedback', actionValue: { reaction: 'dislike', feedback: JSON.stringify({ feedbackText: 'too vague' }) } },
    });
    expect(res.status).toBe(200);
    const svc = t.bot.deps.features.ask as any;
    const answerId = await svc.messages.answerIdFor(id);
    expect(answerId).toBeDefined();
    const stats = await svc.answerLog.stats(1, 5);
    expect(stats.worst.find((w: any) => w.answerId === answerId)).toMatchObject({ down: 1, comments: ['too vague'] });
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
});
