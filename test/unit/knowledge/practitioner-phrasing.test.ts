import type { KnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import { bundledGuidanceEngine, expectAnswerStates, norm } from '../../helpers/guidance-engine';
import { chunkDocument } from '../../../src/knowledge/chunker';
import type { ParsedDocument } from '../../../src/knowledge/knowledge.types';

/*
 * Questions written the way practitioners type in Teams (lower case, no punctuation, "cov", "sw", "hv",
 * contractions without apostrophes, a role said first, the odd typo), one block per kind of question.
 * Written for the project against the bundled guidance, not taken from any evaluation set.
 */

let engine: KnowledgeEngine;
beforeAll(async () => {
  engine = await bundledGuidanceEngine();
});

describe('lookups and paraphrases in practitioners’ words carry the fact', () => {
  it.each([
    ['how often does the dsp exec group meet', 'monthly'],
    ['how many times a year do the lead safeguarding partners get together', 'three times a year'],
    // the asker's role first ("HV here", "sw asking", "police officer -") is not what the passage must cover
    ['HV here - where do i find the threshold doc for cov', 'threshold document'],
    ['sw asking - how do i escalate a disagreement with another agency', 'Escalation and Resolution of Professional Disagreements'],
    ['police officer - what does the cscp facebook page go by', 'Coventry Safeguarding Board and Partnership'],
    // contractions typed without an apostrophe are not key terms
    ['where can a kid go if theyre lost or scared in the city', 'Safe Spaces'],
    // an inflected word finds its synonyms ("pays" → pay, funding)
    ['who pays for the partnership', 'funding'],
    ['is there an e learning module on parental conflict', 'Amity'],
    ['who are the three lsps', 'Chief Constable'],
    ['what are the 7 golden rules poster about', 'information sharing'],
    ['what did the jtai on serious youth violance find', 'serious youth violence'],
    ['what is professional curiousity', 'professional curiosity'],
    ['how often does your voice matters visit young people', 'once a quarter'],
    ['what does the stag group do', 'frontline practitioner'],
    ['how often is section 11 self assesment done', 'every two years'],
    ['what was the national panel review about child sexual abuse in the family called', 'I wanted them all to notice'],
    ['how many children were in the i wanted them all to notice review', '193'],
    ['does cov have youth custody', 'youth custody'],
    ['how often do the officers of the boards meet', 'quarter'],
    ['who does the independant scrutiny', 'Independent Scrutin'],
    ['mental health flyers in other languages?', 'languages'],
    ['what lens does the quality assurance framework use', 'Lens'],
    ['what is in the performance scorecard', 'scorecard'],
    // "coordinator" and "co-ordinator" are one word
    ['is there a gp safeguarding coordinator in surgeries', 'Safeguarding Co-ordinators'],
    // practitioners' acronyms (DCS) and "who sits on" for members
    ['who is the dcs rep on the dsp', "Director of Children's Services"],
    ['who sits on the lsp meeting', 'Chief Executive'],
    ['how many practitioners did exploitation training last yr', '669'],
    ['whats the population of cov', '345,300'],
    ['did cscp publish any lcsprs in 24/25', 'did not publish'],
    ['at what age are missing kids automatically high risk for wmp', '14'],
    ['how many kids live in low income familes in cov', '28%'],
    ['whats the median age in coventry', '35'],
  ])('%s', (question, fact) => {
    expectAnswerStates(engine, question, fact);
  });
});

describe('a typing slip in a long word is read as the word the guidance uses', () => {
  it.each([
    ['whats the safegaurding training email', 'cscptraining@coventry.gov.uk'],
    ['what does the guidance say about exploitaion', 'exploitation'],
    ['radicalisaton concerns who do i tell', 'Prevent'],
    ['how do i refer to the mash - safegarding hub', 'MASH'],
    ['who is the independant scrutineer', 'scrutineer'],
  ])('%s', (question, fact) => {
    expectAnswerStates(engine, question, fact);
  });

  it('another consonant is another word, not a slip ("evacuations" is not "evaluations")', () => {
    expect(engine.askExtractive('what is the procedure for fire evacuations in schools').notFound).toBe(true);
  });
});

describe('counts and frequencies written either way', () => {
  it.each([
    // a count in words finds it in digits and the other way round
    ['what are the seven golden rules', '7 golden rules'],
    ['which 6 areas did the jtai look at', 'six Local Authority Areas'],
    // "twice a year" is a frequency question: the passage that says how often answers it
    ['do the lsps meet twice a year', 'occasions'],
    ['is the exec group monthly', 'monthly'],
  ])('%s', (question, fact) => {
    expectAnswerStates(engine, question, fact);
  });
});

describe('out of scope in practitioners’ words is declined', () => {
  it.each([
    'whats the parking permit process at the council house',
    'hv here - how do i book annual leave on the nhs rota',
    'how do i claim mileage as a sw',
    'whats the weather in cov tomorrow',
    'how do i reset my teams password',
    'whats the vaccination schedule for toddlers',
    'holiday entitlement for part time staff',
  ])('%s', (question) => {
    expect(engine.askExtractive(question).notFound).toBe(true);
  });
});

describe('urgent in practitioners’ words starts with 999; topic questions do not', () => {
  it.each([
    'a yr 9 just told me her stepdad hits her and shes scared to go home tonight',
    'kid on my caseload has gone missing since last night',
    'pupil is self harming in the toilets right now',
    'hv - baby has bruises and mum is threatening to leave with him now',
  ])('%s', (question) => {
    const r = engine.askExtractive(question);
    expect(r.urgent).toBe(true);
    expect(r.answer.slice(0, 400)).toContain('999');
  });

  it.each(['any training on self harm for school staff', 'what does the guidance say about missing children', 'is there an omg on neglect'])('%s is not urgent', (question) => {
    expect(engine.askExtractive(question).urgent).toBe(false);
  });
});

describe('commands in practitioners’ words', () => {
  it.each([
    ['sign me up to the newsletter pls', 'subscribe'],
    ['stop sending me the newsletter', 'unsubscribe'],
    ['whats training is coming up', 'training'],
    ['any courses coming up', 'training'],
    ['can u send me the parent survey link for a family', 'survey'],
    ['i need to escalate a concern about another agency', 'escalate'],
    ['what can you do', 'help'],
  ])('%s → %s', (question, intent) => {
    expect(engine.askExtractive(question).intent).toBe(intent);
  });

  it('a question about training on a topic stays a question', () => {
    expect(engine.askExtractive('any training available on neglect').intent).toBeUndefined();
  });
});

describe('newsletter items keep their closing line', () => {
  const para = (text: string) => ({ kind: 'para' as const, text });
  const story = (topic: string) => `${topic} was reviewed this spring. `.repeat(24).trim();
  const doc: ParsedDocument = {
    meta: { id: 'news', title: 'News', kind: 'newsletter', published: '2025-04', url: '', fileName: 'news.txt' },
    hash: 'x',
    blocks: [
      para(story('Neglect practice')),
      para('Read the full report – Neglect in Coventry'),
      para(story('Online safety')),
      para('We have produced a One Minute Guide detailing the findings.'),
      para(story('Exploitation')),
    ],
  };

  it('"Read the full report – …" and "We have produced a One Minute Guide…" stay with the item before them', () => {
    const chunks = chunkDocument(doc);
    const withReport = chunks.find((c) => c.text.includes('Read the full report'))!;
    expect(withReport.text).toContain('Neglect practice');
    expect(withReport.text).not.toContain('Online safety');
    const withGuide = chunks.find((c) => c.text.includes('One Minute Guide'))!;
    expect(withGuide.text).toContain('Online safety');
    expect(withGuide.text).not.toContain('Exploitation');
  });

  it('the bundled newsletter cites the Alfie review for its One Minute Guide', () => {
    const r = engine.askExtractive('is there a one minute guide on the alfie review');
    expect(norm(r.answer.slice(0, 800))).toContain('one minute guide detailing the findings');
    // the cited passage says which review the guide is about
    expect(r.sources[0].text).toContain('Alfie');
  });
});
