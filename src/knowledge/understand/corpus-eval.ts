/**
 * Scores the engine on the message corpus, per kind and split, the same way the shared evaluation scores
 * `npm run ask -- --json --batch` output: hit@k on the sources' text, facts in the first 800 characters,
 * `notFound` on out-of-scope questions, 999 in the first 400 characters of urgent ones, `intent` on commands.
 */
import type { AnswerResult } from '../knowledge.types';
import type { CorpusMessage, Split, Turn } from './corpus';
import { expectedIntent } from './corpus';

export interface Asker {
  ask(message: string, context?: unknown): { result: AnswerResult; context?: unknown };
}

export interface SplitFigures {
  messages: number;
  urgent: { n: number; led999: number; byRisk: Record<string, [number, number]> };
  nonUrgent: { n: number; flagged: number };
  /** `offered`: not routed, but the right command offered beside the answer (one tap). */
  commands: { n: number; routed: number; offered: number };
  questionsRoutedToCommand: number;
  /** Questions (not urgent, not commands) shown an offered command under their answer. */
  questionsOffered: number;
  questions: number;
  answerable: { n: number; h1: number; h3: number; h5: number; rr: number; facts: number; factsFound: number; refused: number; confident: number; confidentWrong: number };
  outOfScope: { n: number; declined: number };
  followups: { n: number; right: number };
  /** Second turns the guidance does not answer ("and what's her number?"), and how many were declined. */
  followupsOutOfScope: { n: number; declined: number };
  misses: string[];
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

export function rankOfGold(gold: string[], r: AnswerResult): number {
  const g = gold.map(norm);
  return r.sources.slice(0, 5).findIndex((s) => g.some((x) => norm(s.text).includes(x)));
}

/** Sources the answer text cites with [n] markers (1-based numbers). */
export function citedRanks(r: AnswerResult): number[] {
  const out = new Set<number>();
  for (const m of r.answer.matchAll(/\[(\d)\]/g)) out.add(Number(m[1]) - 1);
  return [...out];
}

/**
 * How an answerable follow-up's second turn is judged: the rank of its passage among the sources, whether the facts
 * asked for are in the first 800 characters, and whether that is right (not declined, the passage first or cited,
 * the facts there).
 */
export function judgeSecondTurn(turn: Pick<Turn, 'gold' | 'facts'>, r: AnswerResult): { k: number; cited: boolean; facts: boolean; right: boolean } {
  const k = rankOfGold(turn.gold ?? [], r);
  const cited = k >= 0 && citedRanks(r).includes(k);
  const facts = (turn.facts ?? []).every((x) => norm(r.answer.slice(0, 800)).includes(norm(x)));
  return { k, cited, facts, right: !r.notFound && k >= 0 && (cited || k === 0) && facts };
}

function empty(): SplitFigures {
  return {
    messages: 0,
    urgent: { n: 0, led999: 0, byRisk: {} },
    nonUrgent: { n: 0, flagged: 0 },
    commands: { n: 0, routed: 0, offered: 0 },
    questionsRoutedToCommand: 0,
    questionsOffered: 0,
    questions: 0,
    answerable: { n: 0, h1: 0, h3: 0, h5: 0, rr: 0, facts: 0, factsFound: 0, refused: 0, confident: 0, confidentWrong: 0 },
    outOfScope: { n: 0, declined: 0 },
    followups: { n: 0, right: 0 },
    followupsOutOfScope: { n: 0, declined: 0 },
    misses: [],
  };
}

const led999 = (r: AnswerResult) => r.urgent && r.answer.slice(0, 400).includes('999');

/** Scores one message into the figures of its split. */
function score(f: SplitFigures, m: CorpusMessage, asker: Asker): void {
  f.messages++;
  // One line per failure, whatever the message's own line breaks.
  const short = (raw: string) => {
    const s = raw.replace(/\s+/g, ' ');
    return s.length > 140 ? `${s.slice(0, 140)}…` : s;
  };
  if (m.kind === 'followup') {
    const [t1, t2] = m.turns ?? [];
    if (!t1 || !t2) return;
    const first = asker.ask(t1.message);
    const second = asker.ask(t2.message, first.context).result;
    f.nonUrgent.n++;
    if (second.urgent) {
      f.nonUrgent.flagged++;
      f.misses.push(`${m.id} false urgent [followup]: ${short(t1.message)} → ${short(t2.message)}`);
    }
    f.questions++;
    if (second.offeredCommand) f.questionsOffered++;
    if (t2.out_of_scope) {
      f.followupsOutOfScope.n++;
      if (second.notFound) f.followupsOutOfScope.declined++;
      else f.misses.push(`${m.id} followup out-of-scope answered: ${short(t1.message)} → ${short(t2.message)}`);
      return;
    }
    f.followups.n++;
    const { k, right: ok } = judgeSecondTurn(t2, second);
    if (ok) f.followups.right++;
    else f.misses.push(`${m.id} followup rank=${k}${second.notFound ? ' NOT-FOUND' : ''}: ${short(t1.message)} → ${short(t2.message)}`);
    return;
  }
  const r = asker.ask(m.message).result;
  if (m.kind === 'urgent') {
    f.urgent.n++;
    const cat = (f.urgent.byRisk[m.risk ?? '?'] ??= [0, 0]);
    cat[1]++;
    if (led999(r)) {
      f.urgent.led999++;
      cat[0]++;
    } else f.misses.push(`${m.id} urgent missed [${m.risk}]: ${short(m.message)}`);
  } else {
    f.nonUrgent.n++;
    if (r.urgent) {
      f.nonUrgent.flagged++;
      f.misses.push(`${m.id} false urgent [${m.kind}]: ${short(m.message)}`);
    }
  }
  const want = expectedIntent(m);
  if (want) {
    f.commands.n++;
    if (r.intent === want) f.commands.routed++;
    else {
      if (!r.intent && r.offeredCommand === want) f.commands.offered++;
      f.misses.push(`${m.id} intent ${r.intent ?? 'none'}${r.offeredCommand ? ` (offered ${r.offeredCommand})` : ''} != ${want}: ${short(m.message)}`);
    }
  } else if (m.kind !== 'urgent') {
    f.questions++;
    if (r.intent) {
      f.questionsRoutedToCommand++;
      f.misses.push(`${m.id} question routed to ${r.intent} [${m.kind}]: ${short(m.message)}`);
    } else if (r.offeredCommand) f.questionsOffered++;
  }
  if (m.kind === 'answerable' && m.gold?.length) {
    const a = f.answerable;
    a.n++;
    const k = rankOfGold(m.gold, r);
    if (k === 0) a.h1++;
    if (k >= 0 && k < 3) a.h3++;
    if (k >= 0) {
      a.h5++;
      a.rr += 1 / (k + 1);
    }
    const head = norm(r.answer.slice(0, 800));
    const facts = m.facts ?? [];
    const found = facts.filter((x) => head.includes(norm(x))).length;
    a.facts += facts.length;
    a.factsFound += found;
    if (r.notFound) a.refused++;
    else if (!r.urgent && !r.intent) {
      a.confident++;
      if (!(k >= 0 && citedRanks(r).includes(k))) a.confidentWrong++;
    }
    if (k !== 0 || found < facts.length || r.notFound)
      f.misses.push(`${m.id} answerable rank=${k} facts=${found}/${facts.length}${r.notFound ? ' NOT-FOUND' : ''}: ${short(m.message)}`);
  }
  if (m.kind === 'out_of_scope') {
    f.outOfScope.n++;
    if (r.notFound) f.outOfScope.declined++;
    else f.misses.push(`${m.id} out-of-scope answered: ${short(m.message)}`);
  }
}

export function evaluateCorpus(messages: CorpusMessage[], asker: Asker): Record<Split, SplitFigures> {
  const out: Record<Split, SplitFigures> = { train: empty(), heldback: empty() };
  for (const m of messages) score(out[m.split], m, asker);
  return out;
}

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);

/** The figures as a table: one row per measure, one column per split. */
export function formatFigures(figs: Record<Split, SplitFigures>): string {
  const rows: [string, (f: SplitFigures) => string][] = [
    ['messages', (f) => String(f.messages)],
    ['urgent led with 999', (f) => `${pct(f.urgent.led999, f.urgent.n)} (${f.urgent.led999}/${f.urgent.n})`],
    ['non-urgent flagged urgent', (f) => `${pct(f.nonUrgent.flagged, f.nonUrgent.n)} (${f.nonUrgent.flagged}/${f.nonUrgent.n})`],
    ['commands routed', (f) => `${pct(f.commands.routed, f.commands.n)} (${f.commands.routed}/${f.commands.n})`],
    ['commands offered, not routed', (f) => `${pct(f.commands.offered, f.commands.n)} (${f.commands.offered}/${f.commands.n})`],
    ['questions routed to a command', (f) => String(f.questionsRoutedToCommand)],
    ['questions shown a command offer', (f) => `${pct(f.questionsOffered, f.questions)} (${f.questionsOffered}/${f.questions})`],
    ['answerable: right passage first', (f) => pct(f.answerable.h1, f.answerable.n)],
    ['answerable: in the top three', (f) => pct(f.answerable.h3, f.answerable.n)],
    ['answerable: in the top five', (f) => pct(f.answerable.h5, f.answerable.n)],
    ['answerable: MRR', (f) => (f.answerable.n ? (f.answerable.rr / f.answerable.n).toFixed(3) : 'n/a')],
    ['answerable: facts in first 800 chars', (f) => `${pct(f.answerable.factsFound, f.answerable.facts)} (${f.answerable.factsFound}/${f.answerable.facts})`],
    ['answerable: refused ("not found")', (f) => `${pct(f.answerable.refused, f.answerable.n)} (${f.answerable.refused}/${f.answerable.n})`],
    ['answerable: confident but wrong', (f) => `${pct(f.answerable.confidentWrong, f.answerable.confident)} (${f.answerable.confidentWrong}/${f.answerable.confident})`],
    ['out of scope declined', (f) => `${pct(f.outOfScope.declined, f.outOfScope.n)} (${f.outOfScope.declined}/${f.outOfScope.n})`],
    ['follow-up exchanges right', (f) => `${pct(f.followups.right, f.followups.n)} (${f.followups.right}/${f.followups.n})`],
    ['out-of-scope follow-ups declined', (f) => `${pct(f.followupsOutOfScope.declined, f.followupsOutOfScope.n)} (${f.followupsOutOfScope.declined}/${f.followupsOutOfScope.n})`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  const lines = [`${'measure'.padEnd(w)}  ${'train'.padEnd(22)}  held-back`];
  for (const [name, fn] of rows) lines.push(`${name.padEnd(w)}  ${fn(figs.train).padEnd(22)}  ${fn(figs.heldback)}`);
  const risks = [...new Set([...Object.keys(figs.train.urgent.byRisk), ...Object.keys(figs.heldback.urgent.byRisk)])].sort();
  if (risks.length) {
    lines.push('', 'urgent by risk category (led with 999: train, held-back)');
    for (const r of risks) {
      const t = figs.train.urgent.byRisk[r] ?? [0, 0];
      const h = figs.heldback.urgent.byRisk[r] ?? [0, 0];
      lines.push(`  ${r.padEnd(26)} ${`${t[0]}/${t[1]}`.padEnd(8)} ${h[0]}/${h[1]}`);
    }
  }
  return lines.join('\n');
}
