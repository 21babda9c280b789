/**
 * How answers are put together, whatever the wording: citations tied to sources, the subject named, dated
 * sources flagged before their text, the three outcomes, the emergency lead and its contact lines, and bad
 * input. Which wording gets which outcome is measured on the message corpus (language-quality.test.ts),
 * not pinned here.
 */
import * as path from 'node:path';
import type { KnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import { CLOSEST_TEXT, NOT_FOUND_TEXT, URGENT_QUOTE_BELOW } from '../../../src/knowledge/knowledge-engine';
import { languageModels } from '../../../src/knowledge/understand/language-model';
import { checkUrgentView } from '../../../src/knowledge/understand/urgent.classifier';
import { viewOf } from '../../../src/knowledge/understand/message-features';
import { compactTitle } from '../../../src/knowledge/answer/compose';
import { unitsOf } from '../../../src/knowledge/answer/units';
import type { Chunk } from '../../../src/knowledge/knowledge.types';
import { defaultCorpusDir, loadCorpus, type CorpusMessage } from '../../../src/knowledge/understand/corpus';
import { bundledGuidanceEngine } from '../../helpers/guidance-engine';

let engine: KnowledgeEngine;
let configured: KnowledgeEngine;
let corpus: CorpusMessage[];
beforeAll(async () => {
  engine = await bundledGuidanceEngine();
  configured = await bundledGuidanceEngine({ EMERGENCY_MASH_CONTACT: '024 7678 8555 (test)', EMERGENCY_OUT_OF_HOURS_CONTACT: '024 7683 2222 (test)', SIGNPOST_TRAINING_EMAIL: 'training@example.org' });
  corpus = loadCorpus(defaultCorpusDir(path.join(__dirname, '..', '..', '..'))).messages;
});

const sample = (kind: CorpusMessage['kind'], n: number, split: 'train' | 'heldback' = 'heldback') => corpus.filter((m) => m.kind === kind && m.split === split).slice(0, n);

describe('a confident answer', () => {
  it('quotes the guidance with [n] markers that point at its sources, names each source, and stays short', () => {
    let answered = 0;
    for (const m of sample('answerable', 60)) {
      const r = engine.askExtractive(m.message);
      if (r.notFound || r.urgent || r.intent) continue; // a question routed to a command is counted in language-quality
      answered++;
      expect(r.answer.length).toBeLessThan(1400);
      const markers = [...r.answer.matchAll(/\[(\d)\]/g)].map((x) => Number(x[1]));
      expect(markers.length).toBeGreaterThan(0);
      for (const n of markers) expect(r.sources[n - 1]).toBeDefined();
      // Each quoted passage is introduced by its document (the answer names its subject).
      for (const n of new Set(markers)) expect(r.answer).toContain(`From the ${compactTitle(r.sources[n - 1].title)}`);
      expect(r.sources.length).toBeLessThanOrEqual(5);
    }
    expect(answered).toBeGreaterThan(20);
  });

  it('quotes a list item only under the line that opens its list', () => {
    // The arrangements' passage holds three lists; the one asked for is given whole under its own opener.
    const r = engine.askExtractive('who r the lead safeguarding partners');
    expect(r.answer).toContain(
      'The three Lead Safeguarding Partners are:\n• Coventry City Council Chief Executive\n• Coventry and Rugby Integrated Care Board Chief Executive\n• West Midlands Police Chief Constable',
    );
    // An item of the other lists comes only under its own opening line (the statutory definition), never alone.
    const lines = r.answer.split('\n');
    const item = lines.indexOf('• the local authority');
    if (item >= 0) expect(lines[item - 1]).toMatch(/defined under the Children Act 2004 .* as:$/);
    // Across answers to unseen questions: every item quoted from a list that has an opening line comes with that line.
    let items = 0;
    for (const m of sample('answerable', 150)) {
      const r = engine.askExtractive(m.message);
      if (r.notFound || r.urgent || r.intent) continue;
      // Each quoted passage is a block of its own, ending with its [n] marker.
      for (const block of r.answer.split('\n\n')) {
        const n = Number(/\[(\d)\]\s*$/.exec(block)?.[1] ?? 0);
        if (!n) continue;
        const lines = block.replace(/\s*\[\d\]\s*$/, '').split('\n');
        const units = unitsOf({ text: r.sources[n - 1].text } as Chunk);
        units.forEach((u, i) => {
          if (!u.isItem || !lines.some((l) => l === `• ${u.text}` || (l.endsWith('…') && l.length > 12 && u.text.startsWith(l.slice(2, -1))))) return;
          let o = i;
          while (o > 0 && units[o].isItem) o--;
          if (o === i || units[o].isItem || !units[o].opensList) return;
          items++;
          expect({ id: m.id, item: u.text.slice(0, 40), opener: block.includes(units[o].text.slice(0, 30)) }).toEqual({ id: m.id, item: u.text.slice(0, 40), opener: true });
        });
      }
    }
    expect(items).toBeGreaterThan(10);
  });

  it('puts a dated source’s warning before its text, and never lets it lead when a current source is quoted', () => {
    const r = engine.askExtractive('who do i contact about prevent concerns?');
    const old = r.sources.find((s) => s.published.startsWith('2016'));
    expect(old).toMatchObject({ outdated: true, ageNotice: 'published 2016 — may be out of date' });
    if (!r.notFound) {
      const warning = r.answer.indexOf('published 2016 — may be out of date');
      expect(warning).toBeGreaterThanOrEqual(0);
      const quoted = r.answer.slice(warning).split('\n')[1] ?? '';
      expect(old!.text.replace(/\s+/g, ' ')).toContain(quoted.replace(/ \[\d\]$/, '').replace(/^• /, '').slice(0, 30));
      const cited = [...r.answer.matchAll(/\[(\d)\]/g)].map((x) => r.sources[Number(x[1]) - 1]);
      if (cited.some((s) => !s.outdated)) expect(cited[0].outdated).toBe(false);
    }
  });
});

describe('when the guidance does not answer', () => {
  it('says so, offers the closest passages or signposts, and never invents a contact', () => {
    let declined = 0;
    for (const m of sample('out_of_scope', 60)) {
      const r = configured.askExtractive(m.message);
      if (!r.notFound) continue;
      declined++;
      expect(r.answer.startsWith(CLOSEST_TEXT) || r.answer.startsWith(NOT_FOUND_TEXT)).toBe(true);
      expect(r.answer).toContain('https://www.coventry.gov.uk/cscp');
      expect(r.answer).toContain('training@example.org');
      // Any phone number shown is quoted from a source passage, never made up.
      for (const phone of r.answer.match(/\b0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b/g) ?? []) expect(r.sources.some((s) => s.text.includes(phone))).toBe(true);
      if (r.answer.startsWith(CLOSEST_TEXT)) expect(r.answer).toMatch(/\[1\]/);
    }
    expect(declined).toBeGreaterThan(40);
  });

  it('shows the closest guidance, quoted, for most answerable questions it declines (signposts alone only when nothing is near)', () => {
    let closest = 0;
    let none = 0;
    for (const m of sample('answerable', 1000)) {
      const r = engine.askExtractive(m.message);
      if (!r.notFound || r.urgent || r.intent) continue;
      if (r.answer.startsWith(CLOSEST_TEXT)) {
        closest++;
        // Each passage shown with its own words and a marker that points at its source.
        const markers = [...r.answer.matchAll(/\[(\d)\]/g)].map((x) => Number(x[1]));
        expect(markers[0]).toBe(1);
        for (const n of markers) expect(r.sources[n - 1]).toBeDefined();
        for (const n of new Set(markers)) expect(r.answer).toContain(`From the ${compactTitle(r.sources[n - 1].title)}`);
      } else {
        none++;
        expect(r.answer.startsWith(NOT_FOUND_TEXT)).toBe(true);
      }
    }
    // Held back: 41 of the 58 declined show the closest passages (8 of 58 when a hand-set rule also asked the
    // best passage to share half the question's words).
    expect(closest).toBeGreaterThan(2 * none);
  });
});

describe('urgent messages', () => {
  it('lead with 999 and the configured contacts, and are never taken for a command', () => {
    for (const m of sample('urgent', 40)) {
      const r = configured.askExtractive(m.message);
      if (!r.urgent) continue;
      expect(r.answer.startsWith('If a child is in immediate danger, call 999.')).toBe(true);
      expect(r.answer.slice(0, 700)).toContain('024 7678 8555 (test)');
      expect(r.answer.slice(0, 700)).toContain('024 7683 2222 (test)');
      expect(r.intent).toBeUndefined();
      expect(r.notFound).toBe(false);
    }
  });

  it('use generic wording, never a made-up number, when no contacts are configured', () => {
    for (const m of sample('urgent', 20)) {
      const r = engine.askExtractive(m.message);
      if (!r.urgent) continue;
      const preface = r.answer.split('\n\nFrom the CSCP guidance:')[0];
      expect(preface.replace(/999/g, '')).not.toMatch(/\d{3,}/);
      expect(preface).toMatch(/Multi Agency Safeguarding Hub/);
    }
  });

  it('quote the guidance after the 999 lines only while the model is unsure the message reports danger', () => {
    // A message the model is sure reports danger gets the emergency lines alone (a passage that only shares its
    // words is noise in an emergency), with no suggested questions and the conversation's topic left as it was; a
    // question flagged on the recall-first side keeps its answer under them. (The corpus messages are plain text,
    // so the score read here is the one the engine reads after its input guard.)
    let sureWithAnswer = 0;
    let quoted = 0;
    const before = engine.converse('how do I make a referral to MASH?').context;
    expect(before).toBeDefined();
    const flaggedAnswerable = corpus.filter((m) => m.kind === 'answerable').filter((m) => checkUrgentView(languageModels().urgent, viewOf(m.message)).urgent);
    for (const m of [...sample('urgent', 300), ...sample('urgent', 300, 'train'), ...flaggedAnswerable]) {
      const turn = engine.converse(m.message, before) as ReturnType<KnowledgeEngine['converse']> & { outcome?: string };
      const r = turn.result;
      if (!r.urgent) continue;
      const { score } = checkUrgentView(languageModels().urgent, viewOf(m.message));
      const hasQuote = r.answer.includes('\n\nFrom the CSCP guidance:\n');
      expect({ id: m.id, hasQuote }).toEqual({ id: m.id, hasQuote: turn.outcome === 'answer' && score < URGENT_QUOTE_BELOW });
      if (!hasQuote) {
        expect(r.followUps).toEqual([]);
        expect(turn.context).toBe(before);
      }
      if (turn.outcome === 'answer' && score >= URGENT_QUOTE_BELOW) sureWithAnswer++;
      if (hasQuote) quoted++;
    }
    // Both sides of the rule are exercised: sure emergencies the answer model would have quoted for, and
    // flagged questions that keep their answer.
    expect(sureWithAnswer).toBeGreaterThan(0);
    expect(quoted).toBeGreaterThan(0);
  });

  it('are read whole: danger at the end of a long message still leads with 999', () => {
    const background = [
      'I have been the family support worker for this family since the spring.',
      'Mum has three children and the older two are in year 4 and year 6 at the local primary.',
      'Attendance has been patchy but the school say the children are settled and doing well in class.',
      'We put an early help plan in place in June and mum has engaged with most of the sessions.',
      'Dad moved out last year and sees the children at weekends at his mother’s flat.',
    ].join(' ');
    let led = 0;
    const urgent = sample('urgent', 170).filter((m) => m.message.length < 160).slice(0, 20);
    for (const m of urgent) {
      const padded = `${background.repeat(8)} ${m.message}`;
      expect(padded.length).toBeGreaterThan(3000);
      const r = engine.askExtractive(padded);
      if (r.urgent && r.answer.startsWith('If a child is in immediate danger, call 999.')) led++;
    }
    expect(led).toBe(urgent.length);
  });

  it('are read whole even in a pasted document: danger after 40 KB of background still leads with 999', () => {
    const background =
      'I have been the family support worker for this family since the spring. Mum has three children and the older two are in year 4 and year 6. Attendance has been patchy but the children are settled. ';
    let led = 0;
    const urgent = sample('urgent', 170).filter((m) => m.message.length < 160).slice(0, 10);
    for (const m of urgent) {
      const padded = `${background.repeat(200)} ${m.message} ${background.repeat(20)}`;
      expect(padded.length).toBeGreaterThan(40_000);
      const r = engine.askExtractive(padded);
      if (r.urgent && r.answer.startsWith('If a child is in immediate danger, call 999.')) led++;
    }
    expect(led).toBe(urgent.length);
  });

  it('read a pasted procedure document sentence by sentence, each with its own stance, not the document\'s', () => {
    // Procedure wording ("should", "practitioners", "review") says "general" all through a document; read with the
    // whole document's cues, these sentences were missed inside it (each leads with 999 on its own).
    const procedure =
      'The partnership procedures set out how agencies share information. Practitioners should record concerns promptly and discuss them with their designated lead. Multi-agency meetings review progress against the plan. ';
    const inside = (m: string) => `${procedure.repeat(200)} ${m} ${procedure.repeat(20)}`;
    for (const m of ["mum's boyfriend choking her right now, kids watching", 'lad on the roof of the flats, says he will jump', 'toddler found not breathing in the bath', '5yo wandered off at the canal, cant find him']) {
      expect(engine.askExtractive(m).urgent).toBe(true);
      const r = engine.askExtractive(inside(m));
      expect(r.urgent).toBe(true);
      expect(r.answer.startsWith('If a child is in immediate danger, call 999.')).toBe(true);
    }
    expect(engine.askExtractive(inside('')).urgent).toBe(false);
    expect(engine.askExtractive(inside('We ran a training session on county lines last term and 40 staff attended.')).urgent).toBe(false);
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

  it('markup and card injection is not echoed raw', () => {
    const q = '<img src=x onerror=alert(1)> **[click](https://evil.example)** {"type":"AdaptiveCard","body":[{"type":"TextBlock","text":"pwned"}]} zzzqqq';
    const r = engine.askExtractive(q);
    expect(r.answer).not.toContain('<img');
    expect(r.answer).not.toContain('](https://evil.example)');
    expect(r.answer).not.toContain('"type":"AdaptiveCard"');
  });
});

describe('a command offered beside the answer', () => {
  // Written for this test; with the committed models its commands' probability is in the offer band.
  const MAYBE_TRAINING = 'any sessions on exploitation this term';

  it('answers the message as a question and offers the likeliest command', () => {
    const { result } = engine.converse(MAYBE_TRAINING);
    expect(result.intent).toBeUndefined();
    expect(result.offeredCommand).toBe('training');
    expect(result.answer.length).toBeGreaterThan(0);
  });

  it('offers nothing under a digest item’s "Ask me about this" (one document), nor beside a danger described', () => {
    const docId = engine.converse('who are the delegated safeguarding partners?').result.sources[0].chunkId.split('#')[0];
    expect(engine.converse(MAYBE_TRAINING, undefined, { docId }).result.offeredCommand).toBeUndefined();
    const urgent = engine.converse(`${MAYBE_TRAINING}? asking because a 13 year old from our club just got into a car with two older men he met online and he's not answering his phone`).result;
    expect(urgent.urgent).toBe(true);
    expect(urgent.offeredCommand).toBeUndefined();
  });
});
