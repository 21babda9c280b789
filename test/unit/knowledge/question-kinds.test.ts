import type { KnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import { bundledGuidanceEngine, expectAnswerStates, norm } from '../../helpers/guidance-engine';
import { detectIntent } from '../../../src/knowledge/intent';
import { analyze } from '../../../src/knowledge/search/analyzer';
import { detectUrgent } from '../../../src/knowledge/safety/urgent';

/*
 * The project's own questions, one block per kind of question the bot must handle (written for the
 * project, not taken from the evaluation set). Each block exercises a general mechanism: a second
 * document's view in multi-document answers, declining when a specific kind of fact or a named thing
 * is not in the passages, and urgent detection over many phrasings without flagging topic questions.
 */

let engine: KnowledgeEngine;
beforeAll(async () => {
  engine = await bundledGuidanceEngine();
});

describe('answers carry the fact, within the first 800 characters', () => {
  it.each([
    // a second document nearly as relevant as the first gets its say
    ['which inspectors looked at serious youth violence in the city last year?', 'Ofsted'],
    ['what does the DfE information sharing guidance cover?', '7 golden rules'],
    // vocabulary: the council is the local authority; a handout is a leaflet
    ['what share of the partnership budget comes from the council?', '72%'],
    ['is there a handout about the partnership’s services I can give out?', 'leaflet'],
    // a sentence holding both the kind of answer and the subject beats a title that only shares words
    ['how often does the newsletter go out?', 'quarterly'],
    // reviews name children by a letter
    ['what came out of the Child T review?', 'concerning Child T'],
    // everyday words ("counted", "according") are not key terms the guidance must contain
    ['are independent schools and academies counted as relevant agencies?', 'schools'],
    ['what do the arrangements say about the independent scrutineer and what did they do this year according to the annual report?', 'Independent Scrutineer'],
    // the sentence after the best one completes it
    ['are there any youth custody placements in Coventry?', 'no youth custody placements'],
    ['how many people engaged with the campaign over 4 days?', '550'],
  ])('%s', (question, fact) => {
    expectAnswerStates(engine, question, fact);
  });

  it('adds the current version when the best passage is years old (an old Twitter handle, the new X one)', () => {
    const r = engine.askExtractive('what is the CSCP twitter account?');
    expect(r.answer).toContain('@coventryLSCB');
    expect(r.answer).toContain('@covCSCPandCSAB');
    expect(r.answer).toMatch(/published 2016 — may be out of date/);
  });

  it.each([
    // a newer passage that only shares an everyday word ("contact", "many") is not the current version
    ['who should I speak to about Prevent concerns?', 'Prevent'],
    ['how many madrasahs are in the Coventry Muslim Forum?', '24 Madrasahs'],
    ['which trust won the school nursing contract?', 'South Warwickshire NHS Foundation Trust'],
  ])('keeps a 2016 answer to itself when nothing newer speaks of it: %s', (question, fact) => {
    const r = engine.askExtractive(question);
    expect(r.answer).toContain(fact);
    const cited = new Set([...r.answer.matchAll(/\[(\d)\]/g)].map((m) => r.sources[Number(m[1]) - 1].published.slice(0, 4)));
    expect([...cited]).toEqual(['2016']);
  });

  it('does not stem "extremism" to "extremely" nor "racism" to "race"', () => {
    expect(analyze('extremism')).not.toEqual(analyze('extremely'));
    expect(analyze('racism')).not.toEqual(analyze('race'));
    expect(analyze('extremisms')).toEqual(analyze('extremism'));
  });

  it('cites passages from two documents when both speak to a multi-part question', () => {
    const r = engine.askExtractive('which inspectors looked at serious youth violence in the city last year?');
    const cited = [...r.answer.matchAll(/\[(\d)\]/g)].map((m) => r.sources[Number(m[1]) - 1]);
    expect(new Set(cited.map((s) => s.chunkId.split('#')[0])).size).toBeGreaterThanOrEqual(2);
    expect(r.answer.length).toBeLessThanOrEqual(800);
  });
});

describe('answerable questions that name a thing, a year or a length of time are still answered', () => {
  it.each([
    ['how long does the Amity course last?', 'an hour'],
    ['what age group is the PANTS resource for?', 'KS1'],
    ['how long has the safe spaces scheme been running?', 'launched in 2024'],
    ['what is the section 11 audit?', 'Section 11'],
    ['what did the 2024 JTAI find about serious youth violence?', 'serious youth violence'],
    ['what is the cscp training email?', 'cscptraining@coventry.gov.uk'],
    ['what’s the phone number for Prevent?', '024 7683 1437'],
    ['what do schools have to do under KCSIE 2023?', 'Keeping Children Safe in Education'],
    ['what does Working Together 2023 say about the role of education?', 'Working Together 2023'],
    ['what does SWFT do with MARF referrals?', 'MARF'],
    ['who are the LSPs?', 'Lead Safeguarding Partners'],
  ])('%s', (question, expected) => {
    expectAnswerStates(engine, question, expected);
  });
});

describe('out of scope: the passages lack the kind of fact or the thing asked about', () => {
  it.each([
    // a length of time in a fitting unit, next to what the question is about
    ['how many days notice must a school give before an exclusion?', 'no-duration'],
    ['how many weeks does the partnership have to send a rapid review to the national panel?', 'no-duration'],
    // another edition of a named publication than the one the guidance quotes
    ['what did KCSIE 2025 change about online safety for schools?', 'other-edition'],
    ['what did Working Together 2018 say about the three safeguarding partners?', 'other-edition'],
    ['what did the 2023 JTAI say about Coventry?', 'other-edition'],
    // a numbered legal section the passages do not name
    ['what’s the process for a section 47 strategy discussion?', 'other-section'],
    // a contact detail, an age or a price next to what the question is about — not just anywhere
    ['what’s the LADO’s email address?', 'no-contact-detail'],
    ['what’s the Childline number?', 'no-contact-detail'],
    ['what age can a child be left home alone?', 'no-fact'],
    ['how much does the CSCP training cost?', 'no-fact'],
    // an acronym typed in capitals that no top passage mentions
    ['what are the MAPPA levels for managing offenders?', 'named-thing-missing'],
  ])('%s', (question) => {
    const r = engine.askExtractive(question);
    expect(r.notFound).toBe(true);
    expect(r.answer).toMatch(/^I couldn't find that in the CSCP guidance/);
  });

  it('names the missing acronym once, in capitals', () => {
    const r = engine.askExtractive('what are the MAPPA levels for managing offenders?');
    expect(r.answer.match(/MAPPA/gi)).toHaveLength(1);
  });
});

describe('urgent: many phrasings of a child at risk now', () => {
  it.each([
    'there’s a lad outside the school gate with a knife',
    'kid in my class says he has a knife in his bag',
    'there’s a student with a gun in the playground',
    'a teenager is threatening to stab another student',
    'a child has gone missing from the school trip',
    'a young person has gone missing from their care home',
    'one of our children is missing and was last seen with older men',
    'my foster child hasn’t come home and it’s 2am',
    'a baby is not breathing',
    'student in my office is cutting herself right now',
    'a girl in my tutor group wants to end her life',
    'a pupil is telling me right now that her uncle touches her',
    'boy in reception says his dad punches him every night, what do i do now',
    'child in reception has bruises and says mum burned her with a cigarette',
    'a 12 yr old is meeting a man she met online today',
  ])('%s', (q) => {
    expect(detectUrgent(q).urgent).toBe(true);
    const r = engine.askExtractive(q);
    expect(r.urgent).toBe(true);
    expect(r.answer.slice(0, 400)).toContain('999');
  });
});

describe('not urgent: questions about a topic', () => {
  it.each([
    'what’s the guidance on missing children?',
    'training on self-harm',
    'how do I respond if a child tells me they are being abused?',
    'is there a one minute guide on children who run away?',
    'how many children went missing last year?',
    'what does the annual report say about weapons in schools?',
    'what is the return home interview process for missing children?',
    'where can I find the overdose guidance for schools?',
    'what are the signs that a child is being groomed?',
    'what age are missing children automatically high risk?',
  ])('%s', (q) => {
    expect(detectUrgent(q).urgent).toBe(false);
    expect(engine.askExtractive(q).urgent).toBe(false);
  });
});

describe('commands in other words', () => {
  it.each([
    ['can you help me?', 'help'],
    ['what are you for?', 'help'],
    ['i no longer want the newsletter', 'unsubscribe'],
    ['what training sessions are coming up?', 'training'],
    ['i need the qr code for the parent survey', 'survey'],
    ['share the survey with a family', 'survey'],
  ])('%s → %s', (text, intent) => {
    expect(detectIntent(text)).toBe(intent);
    expect(engine.askExtractive(text).intent).toBe(intent);
  });

  it.each(['what training is there on domestic abuse?', 'is the parent survey anonymous?', 'what does the newsletter say about neglect?'])('%s stays a question', (text) => {
    expect(detectIntent(text)).toBeUndefined();
  });
});
