/**
 * Training the command model (`trainIntent`): the classifier's members, then the gate stacked on their
 * out-of-fold probabilities, with the routing and offer thresholds set on the gate's out-of-fold scores. A small corpus by
 * hand, six writers, so each message is scored by models that never saw its writer.
 */
import type { CorpusMessage } from '../../../src/knowledge/understand/corpus';
import { classifyIntentView } from '../../../src/knowledge/understand/intent.classifier';
import { viewOf } from '../../../src/knowledge/understand/message-features';
import { intentThresholds, INTENT_MAX_OFFERED, INTENT_MEMBER_CHOICES, INTENT_MEMBERS, trainIntent } from '../../../src/knowledge/understand/train';

const COMMANDS: [string, string[]][] = [
  ['subscribe', ['sign me up to the newsletter', 'can i get the newsletter please', 'add me to the mailing list', 'put me on the bulletin', 'i want the newsletter sent to me', 'subscribe me']],
  ['training', ['what courses can i book', 'show me the training sessions', 'any training coming up i can book', 'list the courses on offer', 'book me on a course', 'training dates please']],
  ['my-escalations', ['what happened to my escalation', 'any update on my escalations', 'show the concerns i escalated', 'did anyone pick up my escalation', 'status of my escalation', 'check my escalation']],
];
const QUESTIONS = [
  'who chairs the partnership board', 'what is the threshold document', 'how often do the lead partners meet', 'what did the annual report say about neglect',
  'where is the escalation policy', 'what training does the partnership say staff need', 'who are the lead safeguarding partners', 'what is a rapid review',
  'how many practitioners attended learning events', 'what does the newsletter say about exploitation', 'what is early help', 'who is the designated doctor',
];

function corpus(): CorpusMessage[] {
  const out: CorpusMessage[] = [];
  const writers = ['wa', 'wb', 'wc', 'wd', 'we', 'wf'];
  writers.forEach((writer, w) => {
    const base = { split: 'train' as const, writer, persona: 'dsl', style: 'plain' };
    for (const [intent, texts] of COMMANDS) out.push({ ...base, id: `${writer}-${intent}`, kind: 'command', intent, message: texts[w] });
    QUESTIONS.forEach((q, i) => {
      if (i % writers.length === w || (i + 1) % writers.length === w) out.push({ ...base, id: `${writer}-q${i}`, kind: 'answerable', message: q });
    });
  });
  return out;
}

describe('trainIntent', () => {
  // The three member views tried (the committed classifier is the first alone; see the last test).
  const { artefact, report } = trainIntent(corpus(), 'test', INTENT_MEMBER_CHOICES);

  it('fits three members over different features, only the first with the nearest messages', () => {
    const members = [{ featureOptions: artefact.featureOptions, model: artefact.model }, ...artefact.members!];
    expect(members).toHaveLength(3);
    const keys = members.map((m) => Object.keys(m.model.weights));
    expect(keys[0].some((k) => k.startsWith('knn'))).toBe(true);
    expect(keys[1].some((k) => k.startsWith('knn')) || keys[2].some((k) => k.startsWith('knn'))).toBe(false);
    // The second reads no character n-grams, the third no word pairs.
    expect(keys[1].some((k) => k.startsWith('c:'))).toBe(false);
    expect(keys[2].some((k) => k.startsWith('c:'))).toBe(true);
    expect(keys[2].some((k) => k.startsWith('b:'))).toBe(false);
    expect(members.every((m) => m.model.classes.join() === 'none,my-escalations,subscribe,training')).toBe(true);
    expect(artefact.neighbours).toBeUndefined();
  });

  it('reports out of fold how many commands were read as another command, and what each member set does', () => {
    expect(report.wrongCommand).toBeGreaterThanOrEqual(0);
    expect(report.wrongCommand).toBeLessThanOrEqual(COMMANDS.length * 6 * (1 - report.routed));
    // A first member without the nearest messages is recorded as such, and read that way.
    const alone = trainIntent(corpus(), 'test', [INTENT_MEMBER_CHOICES[1]]).artefact;
    expect(alone.neighbours).toBe(false);
    expect(alone.members).toBeUndefined();
    expect(Object.keys(alone.model.weights).some((k) => k.startsWith('knn'))).toBe(false);
    expect(() => trainIntent(corpus(), 'test', [])).toThrow(/at least one member/);
  });

  it('stacks a gate on the members, reading their probabilities, the nearest messages and the message’s shape', () => {
    expect(artefact.gate?.classes).toEqual(['question', 'command']);
    expect(Object.keys(artefact.gate!.weights)).toEqual(expect.arrayContaining(['mass', 'len', 'cmd:subscribe', 'nb:knn:none', 'm0:mass', 'm2:agree']));
    expect(report.routed).toBeGreaterThan(0.5);
  });

  it('routes commands it has not seen, and leaves questions to the search', () => {
    expect(classifyIntentView(artefact, viewOf('please sign me up for the newsletter'))).toMatchObject({ intent: 'subscribe' });
    expect(classifyIntentView(artefact, viewOf('any update on the escalation i raised')).intent).toBe('my-escalations');
    expect(classifyIntentView(artefact, viewOf('who chairs the lead partners meeting')).intent).toBeUndefined();
  });
});

describe('trainIntent as `npm run train` runs it', () => {
  it('fits the first view alone, with the nearest messages, and a gate without member keys (the committed classifier)', () => {
    expect(INTENT_MEMBERS).toEqual([INTENT_MEMBER_CHOICES[0]]);
    const { artefact } = trainIntent(corpus(), 'test');
    expect(artefact.members).toBeUndefined();
    expect(artefact.neighbours).toBeUndefined();
    expect(Object.keys(artefact.model.weights).some((k) => k.startsWith('knn'))).toBe(true);
    expect(Object.keys(artefact.gate!.weights).some((k) => /^m\d+:/.test(k))).toBe(false);
  });
});

describe('the command thresholds, from the gate’s out-of-fold scores of questions', () => {
  // 500 question scores 0.0018 … 0.9, 0.0018 apart (more than the thresholds' 0.001 margin).
  const scores = Array.from({ length: 500 }, (_, i) => (0.9 * (i + 1)) / 500);

  it('routes above the score 0.4 % of questions reach, and offers down to the score 5 % reach', () => {
    const { threshold, offer } = intentThresholds(scores);
    // Highest first, the third score (0.4 % of 500 = 2 above it) is 0.8964: the two above it are taken.
    expect(threshold).toBeCloseTo(0.8964 + 1e-3, 9);
    expect(scores.filter((s) => s >= threshold).length).toBe(2);
    // 5 % of 500 = 25 reach the offer threshold, the two routed among them.
    expect(scores.filter((s) => s >= offer).length).toBe(INTENT_MAX_OFFERED * 500);
    expect(scores.filter((s) => s >= offer && s < threshold).length).toBe(INTENT_MAX_OFFERED * 500 - 2);
  });

  it('keeps the routing threshold within 0.35–0.99 and the offer at or below it', () => {
    expect(intentThresholds(scores.map((s) => s / 10))).toEqual({ threshold: 0.35, offer: expect.any(Number) });
    expect(intentThresholds(scores.map((s) => s / 10)).offer).toBeLessThan(0.35);
    const sure = intentThresholds(scores.map(() => 1));
    expect(sure.threshold).toBe(0.99);
    expect(sure.offer).toBe(0.99);
  });
});
