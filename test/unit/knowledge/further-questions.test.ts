/**
 * "You could also ask": further questions come from passages the reranker also found likely for the question,
 * then from the sections around the answer under the same top heading — not from whatever section happens to
 * sit next to it in a long report.
 */
import type { Chunk } from '../../../src/knowledge/knowledge.types';
import { createKnowledgeEngine } from '../../../src/knowledge/knowledge-engine';
import { testConfig } from '../../../src/config';
import { ManualClock } from '../../../src/clock';
import { passageLabel, sectionName } from '../../../src/knowledge/answer/compose';
import { bundledGuidanceEngine } from '../../helpers/guidance-engine';

const base = { docId: 'report', title: 'Annual report', url: '', published: '2025-09-01', kind: 'report' } as const;
function chunk(ordinal: number, headingPath: string[], text: string): Chunk {
  return { ...base, id: `report#${ordinal}`, ordinal, headingPath, text } as unknown as Chunk;
}

const CHUNKS: Chunk[] = [
  chunk(0, ['Governance', 'Board meetings'], 'The board meets every quarter to review the partnership budget and agree the business plan.'),
  chunk(1, ['Governance', 'Independent scrutiny'], 'An independent scrutineer reviews the partnership arrangements each year and reports to the board.'),
  chunk(2, ['Exploitation', 'Strategy'], 'The child exploitation strategy sets out how partners identify and disrupt the criminal and sexual exploitation of children.'),
  chunk(3, ['Exploitation', 'Return home interviews'], 'Children who go missing are offered a return home interview, which helps identify exploitation risks early.'),
  chunk(4, ['Neglect', 'Neglect toolkit'], 'The neglect toolkit helps practitioners assess the care a child receives at home.'),
];

describe('further questions after an answer', () => {
  it('suggests the sections about the same subject, never a neighbour under another heading', () => {
    const engine = createKnowledgeEngine(CHUNKS, { safety: testConfig().safety, clock: new ManualClock('2026-03-01T10:00:00Z') });
    const a = engine.askExtractive('what does the child exploitation strategy do?');
    expect(a.notFound).toBe(false);
    expect(a.sources[0].chunkId).toBe('report#2');
    expect(a.followUps.some((f) => f.includes('Return home interviews'))).toBe(true);
    // "Independent scrutiny" sits next to the strategy in the report, but under Governance.
    expect(a.followUps.filter((f) => /Independent scrutiny|Board meetings/.test(f))).toEqual([]);
  });
});

describe('further questions from dated sections', () => {
  const DATED: Chunk[] = [
    chunk(0, ['STAG', 'January 2025'], 'The STAG session included a workshop delivered by the NSPCC and a presentation around the Early Help System.'),
    chunk(1, ['STAG', 'April 2025'], 'The STAG included a workshop on bereavement support for children and an overview of private fostering.'),
    chunk(2, ['Spring 2025'], 'A learning event on fabricated illness was attended by 92 practitioners.'),
  ];

  it('names the heading above a date, and never offers a bare date or season as a subject', () => {
    const engine = createKnowledgeEngine(DATED, { safety: testConfig().safety, clock: new ManualClock('2026-03-01T10:00:00Z') });
    const a = engine.askExtractive('which STAG session had the NSPCC workshop and the early help system presentation?');
    expect(a.notFound).toBe(false);
    expect(a.sources[0].chunkId).toBe('report#0');
    expect(a.followUps).toContain('What does the guidance say about STAG (April 2025)?');
    expect(a.followUps.filter((f) => /about (?:April|Spring) 2025\?/.test(f))).toEqual([]);
  });
});

describe('how a section is named to a person', () => {
  it('names a generic or dated heading with the heading above it, in further questions and in an answer\'s labels', () => {
    expect(sectionName(['Exploitation', "What's working well?"])).toBe("Exploitation (what's working well)");
    expect(sectionName(['Engaging frontline practitioners', 'April 2025'])).toBe('Engaging frontline practitioners (April 2025)');
    expect(sectionName(['Training', 'Spring 2025'])).toBe('Training (Spring 2025)');
    expect(sectionName(['Funding', '2024-25'])).toBe('Funding (2024-25)');
    expect(sectionName(['April 2025'])).toBeUndefined();
    for (const when of ['April 2025:', 'Jan 2025', 'Sept 2024', 'Tuesday 16 April 2025', 'April 1, 2025', 'April–June 2025', 'April 2024 – March 2025', 'Autumn term 2024', 'Spring/Summer 2025', '2024 to 2025', 'April  2025'])
      expect(sectionName(['STAG', when])).toBe(`STAG (${when.replace(/:$/, '')})`);
    // The nearest heading above that names a subject, never another date or report part.
    expect(sectionName(['Neglect', 'May 2024', 'Background'])).toBe('Neglect (background)');
    expect(sectionName(['STAG', 'Summary', 'April 2025'])).toBe('STAG (April 2025)');
    expect(sectionName(['Summary', 'April 2025'])).toBeUndefined();
    expect(sectionName(['What is CSE?', "What's working well?:"])).toBe("What is CSE (what's working well)");
    for (const subject of ['Summer holiday activities', '2024 Annual Conference', 'Mayor of Coventry'])
      expect(sectionName(['Events', subject])).toBe(subject);
    expect(sectionName(['Lead Safeguarding Partners'])).toBe('Lead Safeguarding Partners');
    // A heading that only mentions a date is a subject.
    expect(sectionName(['Events', '16 April 2025 learning event on fabricated illness'])).toBe('16 April 2025 learning event on fabricated illness');
    const c = { ...chunk(7, ['Engaging frontline practitioners', 'April 2025'], 'The STAG included a workshop.'), title: 'CSCP Annual Report 2024-2025' } as Chunk;
    expect(passageLabel(c, false)).toBe('From the CSCP Annual Report 2024-2025 — Engaging frontline practitioners (April 2025)');
  });
});

describe('further questions on the bundled guidance', () => {
  it('never suggest a section the answer already quotes', async () => {
    const engine = await bundledGuidanceEngine();
    // Its answer quotes two STAG sessions of the annual report (January and April 2025); the April one was also
    // offered as a further question before.
    const a = engine.askExtractive('any sessions on exploitation this term');
    const quoted = [...a.answer.matchAll(/\[(\d)\]/g)].map((m) => a.sources[Number(m[1]) - 1]);
    expect(new Set(quoted.map((s) => s.chunkId)).size).toBeGreaterThan(1);
    expect(a.followUps.length).toBeGreaterThan(0);
    for (const s of quoted) expect(a.followUps.filter((f) => f.includes(s.section.split(' › ').pop()!))).toEqual([]);
  });
});
