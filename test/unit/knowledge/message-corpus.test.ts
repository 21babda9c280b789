/**
 * The labelled message corpus keeps to its protocol (test/fixtures/messages/README.md), and the committed
 * models were trained on it as it is now.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { foldText, loadCorpus, nearDuplicates, validationSplit, type CorpusMessage } from '../../../src/knowledge/understand/corpus';
import { loadFolderChunks } from '../../../src/knowledge/local-corpus';
import { ARTEFACT_NAMES } from '../../../src/knowledge/understand/artefacts';
import { GUIDANCE_DIR } from '../../helpers/guidance-engine';
import { INTENT_NAMES as INTENTS, MESSAGE_KINDS as KINDS, RISK_CATEGORIES as RISKS, goldProblems, readBatch } from '../../../scripts/corpus/protocol';

const ROOT = path.join(__dirname, '..', '..', '..');
const DIR = path.join(ROOT, 'test', 'fixtures', 'messages');

describe('the message corpus', () => {
  const corpus = loadCorpus(DIR);
  const all = corpus.messages;
  let passages: string[];
  beforeAll(async () => {
    passages = (await loadFolderChunks(GUIDANCE_DIR)).chunks.map((c) => foldText(c.text));
  });

  it('has every field the protocol asks for, unique ids, and one split and writer per file', () => {
    const ids = new Set<string>();
    for (const m of all) {
      expect(m.id && m.split && m.writer && m.persona && m.style && m.kind).toBeTruthy();
      expect(ids.has(m.id)).toBe(false);
      ids.add(m.id);
      expect(KINDS).toContain(m.kind);
      expect(['train', 'heldback']).toContain(m.split);
      if (m.kind !== 'followup') expect(m.message.trim()).not.toBe('');
      if (m.kind === 'urgent' || m.kind === 'topic') expect(RISKS).toContain(m.risk);
      if (m.kind === 'command') expect(INTENTS).toContain(m.intent);
      if (m.kind === 'out_of_scope') expect(m.near).toBeTruthy();
      if (m.kind === 'followup') expect(m.turns).toHaveLength(2);
    }
    for (const file of corpus.files.map((f) => path.join(DIR, f))) {
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as CorpusMessage);
      expect(new Set(lines.map((m) => m.split)).size).toBe(1);
      expect(new Set(lines.map((m) => m.writer)).size).toBe(1);
    }
  });

  it('quotes every gold snippet and fact verbatim from one indexed passage', () => {
    const check = (gold: string[] | undefined, facts: string[] | undefined, id: string) => {
      const [problem] = goldProblems(id, gold, facts, passages);
      if (problem) throw new Error(problem);
    };
    for (const m of all) {
      if (m.kind === 'answerable') check(m.gold, m.facts, m.id);
      if (m.kind === 'followup')
        m.turns!.forEach((t, i) => {
          // A second turn may be one the guidance does not answer: then it says what it sounds close to, and quotes nothing.
          if (i === 1 && t.out_of_scope) {
            expect({ id: m.id, near: !!t.near, gold: t.gold, facts: t.facts }).toEqual({ id: m.id, near: true, gold: undefined, facts: undefined });
          } else check(t.gold, t.facts, `${m.id} turn ${i + 1}`);
        });
    }
  });

  it('is big enough, covers every risk category, and holds back at least 30 % from writers the models never saw', () => {
    expect(all.length).toBeGreaterThanOrEqual(1200);
    const held = all.filter((m) => m.split === 'heldback');
    expect(held.length / all.length).toBeGreaterThanOrEqual(0.3);
    for (const r of RISKS) expect(all.filter((m) => m.kind === 'urgent' && m.risk === r).length).toBeGreaterThanOrEqual(20);
    expect(all.filter((m) => m.kind === 'topic').length).toBeGreaterThanOrEqual(300);
    expect(all.filter((m) => m.kind === 'out_of_scope').length).toBeGreaterThanOrEqual(200);
    expect(all.filter((m) => m.kind === 'followup').length).toBeGreaterThanOrEqual(60);
    const trainWriters = new Set(all.filter((m) => m.split === 'train').map((m) => m.writer));
    for (const m of held) expect(trainWriters.has(m.writer)).toBe(false);
  });

  it('the batches written last (wt–wz, xa–xz, ya–yy, za–zm) repeat nothing across the split: no exact or 70 %-of-words near duplicate', () => {
    const late = (m: CorpusMessage) => /^(w[t-z]|x[a-z]|y[a-z]|z[a-m])$/.test(m.writer);
    const train = all.filter((m) => m.split === 'train');
    const held = all.filter((m) => m.split === 'heldback');
    expect(all.filter(late).length).toBeGreaterThan(1000);
    expect([...nearDuplicates(held.filter(late), train)]).toEqual([]);
    expect([...nearDuplicates(train.filter(late), held)]).toEqual([]);
  });

  it('finds near duplicates by exact text or shared words, in either turn of a follow-up', () => {
    const m = (id: string, message: string, extra: Partial<CorpusMessage> = {}): CorpusMessage =>
      ({ id, split: 'heldback', writer: 'x', persona: 'DSL', style: 'plain', kind: 'answerable', message, ...extra }) as CorpusMessage;
    const among = [m('t1', 'who are the three lead safeguarding partners for coventry?'), m('t2', 'Help')];
    const of = [
      m('a', 'Who are the lead safeguarding partners for Coventry'), // 7 of 8 words shared
      m('b', 'help'), // the same text
      m('c', 'who chairs the partnership board?'),
      m('d', '', { kind: 'followup', turns: [{ message: 'what is stag?', gold: [] }, { message: 'HELP', gold: [] }] }),
    ];
    expect([...nearDuplicates(of, among)].sort()).toEqual(['a', 'b', 'd']);
    expect([...nearDuplicates(of, among, 0.95)].sort()).toEqual(['b', 'd']);
  });

  it('the writers’ validator (scripts/corpus/protocol.ts) names what the protocol forbids, and passes every batch written so far', () => {
    const line = (o: object) => JSON.stringify({ id: 'qa-1', split: 'train', writer: 'qa', persona: 'DSL', style: 'plain', kind: 'greeting', message: 'hi', ...o });
    const bad = [
      line({}),
      line({ kind: 'urgent', risk: 'scary' }),
      line({ id: 'qa-1', kind: 'command', intent: 'book' }),
      line({ id: 'qb-3', kind: 'out_of_scope' }),
      line({ id: 'qa-4', split: 'heldback' }),
      '{not json',
    ].join('\n');
    expect(readBatch(bad).problems).toEqual([
      'line 6: not one JSON object',
      'qa-1: risk "scary" is not a category',
      'qa-1: id used twice',
      `qa-1: intent "book" is not one of ${INTENTS.join(', ')}`,
      'qa-1: id used twice',
      'qb-3: the id is <writer>-<n>',
      'qb-3: an out-of-scope line says what it is "near"',
      'a batch is all one split',
    ]);
    for (const d of [DIR, path.join(DIR, '..', 'messages-next')])
      for (const f of fs.readdirSync(d).filter((f) => f.endsWith('.jsonl'))) expect({ f, problems: readBatch(fs.readFileSync(path.join(d, f), 'utf8')).problems }).toEqual({ f, problems: [] });
  });

  it('makes a validation split from train writers, without the held-back messages', () => {
    const v = validationSplit(corpus, ['wj', 'xe']);
    const from = (w: string) => all.filter((m) => m.split === 'train' && m.writer === w).length;
    expect(v.messages.filter((m) => m.split === 'heldback').length).toBe(from('wj') + from('xe'));
    expect(v.messages.filter((m) => m.split === 'heldback').every((m) => m.writer === 'wj' || m.writer === 'xe')).toBe(true);
    expect(v.messages.length).toBe(all.filter((m) => m.split === 'train').length);
    expect(v.messages.some((m) => all.find((x) => x.id === m.id)?.split === 'heldback')).toBe(false);
    expect(v.hash).not.toBe(corpus.hash);
    // the corpus itself is untouched
    expect(all.filter((m) => m.writer === 'wj').every((m) => m.split === 'train')).toBe(true);
    expect(() => validationSplit(corpus, ['wb'])).toThrow('no train messages from writer "wb"');
  });

  it('hashes the train batches only: a held-back batch added later leaves the models current, a train edit does not', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-hash-'));
    const line = (id: string, split: string, message: string) => JSON.stringify({ id, split, writer: id.split('-')[0], persona: 'DSL', style: 'plain', kind: 'greeting', message });
    try {
      fs.writeFileSync(path.join(dir, 'aa.jsonl'), `${line('aa-1', 'train', 'hello')}\n`);
      const before = loadCorpus(dir).hash;
      fs.writeFileSync(path.join(dir, 'ab.jsonl'), `${line('ab-1', 'heldback', 'hiya')}\n`);
      const withHeld = loadCorpus(dir);
      expect(withHeld.messages).toHaveLength(2);
      expect(withHeld.hash).toBe(before);
      fs.writeFileSync(path.join(dir, 'aa.jsonl'), `${line('aa-1', 'train', 'hello there')}\n`);
      expect(loadCorpus(dir).hash).not.toBe(before);
      fs.writeFileSync(path.join(dir, 'ac.jsonl'), `${line('ac-1', 'train', 'morning')}\n`);
      const moreTrain = loadCorpus(dir).hash;
      fs.rmSync(path.join(dir, 'ac.jsonl'));
      expect(moreTrain).not.toBe(loadCorpus(dir).hash);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the held-back batches frozen: each is byte for byte the file listed in HELDBACK.sha256', () => {
    // The models' corpus hash covers the train batches only, so this list is what notices an edited held-back line
    // (a relabelled miss, say). A new held-back batch is added to the list when it joins.
    const dir = path.join(ROOT, 'test', 'fixtures', 'messages');
    const listed = new Map(
      fs
        .readFileSync(path.join(dir, 'HELDBACK.sha256'), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => {
          const [sum, file] = l.trim().split(/\s+/);
          return [file, sum] as const;
        }),
    );
    const heldFiles = [...new Set(all.filter((m) => m.split === 'heldback').map((m) => `${m.writer}.jsonl`))].sort();
    expect(heldFiles.length).toBeGreaterThan(30);
    const actual = heldFiles.map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]);
    expect(actual).toEqual(heldFiles.map((f) => [f, listed.get(f)]));
    // and nothing listed is a train batch or missing
    expect([...listed.keys()].sort()).toEqual(heldFiles);
  });

  it('is the corpus the committed models were trained on (run `npm run train` after changing it)', () => {
    for (const name of ARTEFACT_NAMES) {
      const artefact = JSON.parse(fs.readFileSync(path.join(ROOT, 'models', `${name}.json`), 'utf8')) as { corpusHash: string };
      expect({ name, corpusHash: artefact.corpusHash }).toEqual({ name, corpusHash: corpus.hash });
    }
  });
});
