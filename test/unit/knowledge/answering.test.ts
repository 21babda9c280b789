import type { KnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import { bundledGuidanceEngine, norm } from '../../helpers/guidance-engine';
import { detectUrgent } from '../../../src/knowledge/safety/urgent';


let engine: KnowledgeEngine;
let configured: KnowledgeEngine;
beforeAll(async () => {
  engine = await bundledGuidanceEngine();
  configured = await bundledGuidanceEngine({ EMERGENCY_MASH_CONTACT: '024 7678 8555 (test)', EMERGENCY_OUT_OF_HOURS_CONTACT: '024 7683 2222 (test)', SIGNPOST_TRAINING_EMAIL: 'training@example.org' });
});

describe('ranking on the bundled guidance (project questions, not the dev set)', () => {
  const cases: [string, string][] = [
    ['what does MASH stand for and who works in it from probation?', 'co-located Probation Service Officer'],
    ['how much did west midlands police put into the partnership budget?', '£31, 627'],
    ['which schools are in the acting early pilot?', 'Lyng Hall, Cardinal Wiseman, Grace Academy and Foxford'],
    ['how many practitioners did the partnership train on exploitation last year?', 'exploitation training to 669 practitioners'],
    ['what age are missing kids automatically treated as high risk by police?', 'under the age of 14'],
    ['who checks the quality of MARF referrals going into the hub?', 'review the quality of all MARF Safeguarding Referrals'],
    ['how often is the section 11 audit done?', 'biennial'],
    ['what is Operation Makesafe?', 'Operation Makesafe is a national campaign'],
    ['what is the threshold document called?', 'Right Help Right Time'],
  ];
  it.each(cases)('%s', (question, expected) => {
    const r = engine.askExtractive(question);
    expect(r.notFound).toBe(false);
    expect(r.sources.slice(0, 3).some((s) => norm(s.text).includes(norm(expected)))).toBe(true);
  });

  it('answers with numbered citations tied to sources, within about 600 characters', () => {
    const r = engine.askExtractive('how much did west midlands police put into the partnership budget?');
    expect(r.answer).toMatch(/\[1\]/);
    expect(r.answer).toContain('£31, 627');
    expect(r.answer.length).toBeLessThan(800);
    expect(r.sources[0]).toMatchObject({ n: 1, title: expect.stringContaining('Annual Report'), published: '2025-09', outdated: false });
    expect(r.sources[0].chunkId).toMatch(/^cscp-annual-report-2024-2025#\d+$/);
    expect(r.followUps.length).toBeGreaterThanOrEqual(2);
    const scores = r.sources.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const m of r.answer.matchAll(/\[(\d)\]/g)) expect(r.sources[Number(m[1]) - 1]).toBeDefined();
  });

  it('flags a 2016 source as possibly out of date', () => {
    const r = engine.askExtractive('what are the key aspects of the prevent duty?');
    const old = r.sources.find((s) => s.published.startsWith('2016'));
    expect(old).toMatchObject({ outdated: true, ageNotice: 'published 2016 — may be out of date' });
    expect(r.answer).toContain('published 2016 — may be out of date');
  });
});

describe('not found', () => {
  it.each([
    'what is the childline phone number?',
    'how do I claim mileage for a home visit?',
    'what are the rules on restraint in secure children’s homes under the 2011 regulations?',
  ])('declines %s with signposts and no invented contacts', (q) => {
    const r = configured.askExtractive(q);
    expect(r.notFound).toBe(true);
    expect(r.answer).toMatch(/^I couldn't find that in the CSCP guidance/);
    expect(r.answer).toContain('https://www.coventry.gov.uk/cscp');
    expect(r.answer).toContain('training@example.org');
    expect(r.answer).not.toMatch(/\b0\d{3} ?\d{3} ?\d{4}\b/);
  });
});

describe('urgent', () => {
  it.each([
    'a boy in my class has just told me his dad hit him with a belt last night and he is scared to go home',
    'my 15 year old client has taken an overdose, she is at my office now',
    'one of our looked after girls has gone missing again and was seen getting into a car with adult men',
    'a pupil is threatening to kill himself right now',
  ])('urgent: %s', (q) => {
    const r = configured.askExtractive(q);
    expect(r.urgent).toBe(true);
    expect(r.answer.startsWith('If a child is in immediate danger, call 999')).toBe(true);
    expect(r.answer.slice(0, 600)).toContain('024 7678 8555 (test)');
    expect(r.answer.slice(0, 600)).toContain('024 7683 2222 (test)');
  });

  it('is not swallowed by a command', () => {
    const r = engine.askExtractive('I want to escalate, a pupil has just told me her stepdad hits her and she is scared to go home');
    expect(r.urgent).toBe(true);
    expect(r.intent).toBeUndefined();
  });

  it('uses generic wording, never a made-up number, when no contacts are configured', () => {
    const r = engine.askExtractive('my 15 year old client has taken an overdose, she is at my office now');
    expect(r.urgent).toBe(true);
    const withoutNine = r.answer.replace(/999/g, '');
    expect(withoutNine).not.toMatch(/\d{3,}/);
    expect(r.answer).toMatch(/Multi Agency Safeguarding Hub/);
  });

  it.each([
    'what training is there on domestic abuse?',
    'what should I do if a child goes missing from care?',
    'how many missing episodes were there last year?',
    'is there guidance on self-harm for schools?',
    'what does the annual report say about child sexual abuse?',
  ])('not urgent: %s', (q) => {
    expect(detectUrgent(q).urgent).toBe(false);
    expect(engine.askExtractive(q).urgent).toBe(false);
  });
});

describe('bad input', () => {
  it('empty and whitespace', () => {
    for (const q of ['', '   \n ']) {
      const r = engine.askExtractive(q);
      expect(r.notices).toContain('empty');
      expect(r.answer).toMatch(/Please type a question/);
    }
  });

  it('only emoji', () => {
    const r = engine.askExtractive('🙂🙂👍');
    expect(r.notices).toContain('no-words');
    expect(r.answer).toMatch(/only read words/);
  });

  it('another language', () => {
    for (const q of ['¿Dónde está la guía para los niños que necesitan ayuda en la escuela?', 'Как сообщить о ребёнке в опасности?']) {
      const r = engine.askExtractive(q);
      expect(r.notices).toContain('not-english');
      expect(r.answer).toMatch(/in English/);
    }
  });

  it('10,000 characters: answered from the first part, and says so', () => {
    const q = `how many practitioners did the partnership train on exploitation? ${'blah '.repeat(2000)}`;
    expect(q.length).toBeGreaterThan(10_000);
    const r = engine.askExtractive(q);
    expect(r.notices[0]).toMatch(/first part/);
    expect(r.answer).toMatch(/first part/);
    expect(r.answer).toContain('669');
  });

  it('markup and card injection is not echoed raw', () => {
    const q = '<img src=x onerror=alert(1)> **[click](https://evil.example)** {"type":"AdaptiveCard","body":[{"type":"TextBlock","text":"pwned"}]} zzzqqq';
    const r = engine.askExtractive(q);
    expect(r.answer).not.toContain('<img');
    expect(r.answer).not.toContain('](https://evil.example)');
    expect(r.answer).not.toContain('"type":"AdaptiveCard"');
  });
});
