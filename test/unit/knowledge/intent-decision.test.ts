/**
 * How the command classifier's probabilities become a decision: a command at all when the gate stacked on the
 * classifier (or, in an artefact trained before the gate, the commands' probability together, 1 − p(none)) is
 * sure enough, then the likeliest command.
 */
import { commandMass, gateFeatures, likeliestCommand } from '../../../src/knowledge/understand/intent-decision';
import { classifyIntentView, commandWord, type IntentArtefact } from '../../../src/knowledge/understand/intent.classifier';
import { INTENT_MEMBERS } from '../../../src/knowledge/understand/train';
import { languageModels } from '../../../src/knowledge/understand/language-model';
import { viewOf } from '../../../src/knowledge/understand/message-features';

/** A two-command model by hand: "bookings" points equally at both training commands, "chair" at none. */
function artefact(threshold: number, offer?: number): IntentArtefact {
  return {
    corpusHash: 'test',
    featureOptions: { charGrams: false, lexicon: false, bigrams: false },
    threshold,
    ...(offer !== undefined ? { offer } : {}),
    maxTokens: 40,
    messages: [],
    model: {
      classes: ['none', 'my-training', 'training'],
      bias: [0, 0, 0],
      weights: { 'w:book': [-3, 2, 2], 'w:chair': [3, -2, -2], 'w:list': [0, 0.4, 0] },
    },
  };
}

describe('command decision', () => {
  it('reads the commands’ probability together, and picks the likeliest of them', () => {
    expect(commandMass([0.1, 0.45, 0.45])).toBeCloseTo(0.9, 9);
    expect(likeliestCommand([0.9, 0.04, 0.06])).toBe(2);
    // The likeliest command, never "none", even when none is likelier than each command alone.
    expect(likeliestCommand([0.5, 0.3, 0.2])).toBe(1);
  });

  it('routes a message whose probability two commands share (each alone below the threshold)', () => {
    const a = artefact(0.8);
    const d = classifyIntentView(a, viewOf('bookings list'));
    // Each command alone is about 0.5: below 0.8, so the single-command test would have read it as a question.
    expect(d.intent).toBe('my-training');
    expect(d.score).toBeGreaterThanOrEqual(0.8);
  });

  it('leaves a question to the search when the commands together stay below the threshold', () => {
    const a = artefact(0.8);
    expect(classifyIntentView(a, viewOf('who is the chair')).intent).toBeUndefined();
    // The same message routes or not with the threshold alone.
    expect(classifyIntentView(artefact(0.999), viewOf('bookings list')).intent).toBeUndefined();
  });

  it('offers the likeliest command, without routing it, between the offer threshold and the routing threshold', () => {
    // "bookings list" has the commands together at about 0.996: below 0.999, above 0.9.
    const d = classifyIntentView(artefact(0.999, 0.9), viewOf('bookings list'));
    expect(d.intent).toBeUndefined();
    expect(d.offer).toBe('my-training');
    // Above the routing threshold it is routed, not offered; below the offer threshold, neither.
    expect(classifyIntentView(artefact(0.8, 0.5), viewOf('bookings list'))).toMatchObject({ intent: 'my-training' });
    expect(classifyIntentView(artefact(0.8, 0.5), viewOf('bookings list')).offer).toBeUndefined();
    expect(classifyIntentView(artefact(0.999, 0.9), viewOf('who is the chair')).offer).toBeUndefined();
    // An artefact trained before offers offers nothing.
    expect(classifyIntentView(artefact(0.999), viewOf('bookings list')).offer).toBeUndefined();
  });
});

describe('the command gate', () => {
  /** A gate by hand that reads only the message's shape: a question mark says "question", whatever the words. */
  const gate = { classes: ['question', 'command'], bias: [0, 3], weights: { q: [0, -8] } };

  it('decides routing in place of the commands’ probability together', () => {
    // The same words, the same classifier probabilities (about 0.996 together): routed, or not, by the gate.
    const a = { ...artefact(0.8, 0.5), gate };
    expect(classifyIntentView(a, viewOf('bookings list'))).toMatchObject({ intent: 'my-training' });
    const asked = classifyIntentView(a, viewOf('bookings list?'));
    expect(asked.intent).toBeUndefined();
    expect(asked.offer).toBeUndefined();
    expect(asked.score).toBeLessThan(0.5);
    // Without a gate (an artefact trained before it) the commands' probability together decides, as before.
    expect(classifyIntentView(artefact(0.8, 0.5), viewOf('bookings list?'))).toMatchObject({ intent: 'my-training' });
  });

  it('is given the classifier’s probabilities for the part of the message the classifier read', () => {
    // A gate that routes only when the commands together are likely: "bookings list" (about 0.996) yes, "who is
    // the chair" (about 0.05) no.
    const byMass = { ...artefact(0.8, 0.5), gate: { classes: ['question', 'command'], bias: [0, -4], weights: { mass: [0, 10] } } };
    expect(classifyIntentView(byMass, viewOf('bookings list')).intent).toBe('my-training');
    expect(classifyIntentView(byMass, viewOf('who is the chair')).score).toBeLessThan(0.01);
    // A long message is read from its last sentences: a question mark only in the background before them is not
    // what the gate sees.
    const long = `Is this the right place? ${'We have a busy term with lots going on in school and the staff are stretched. '.repeat(3)}Bookings list please. Bookings list.`;
    const a = { ...artefact(0.8, 0.5), gate };
    expect(viewOf(long).tokens.length).toBeGreaterThan(40);
    expect(classifyIntentView(a, viewOf(long)).intent).toBe('my-training');
  });

  it('reads the classifier’s probabilities, the likeliest command, the nearest messages and the message’s shape', () => {
    const f = gateFeatures([0.1, 0.2, 0.7], ['none', 'help', 'training'], new Map([['knn:training', 0.6]]), { tokens: ['what', 'courses', 'are', 'on'], text: 'what courses are on?' });
    expect(f.get('cmd:training')).toBe(1);
    expect(f.get('share')).toBeCloseTo(0.7 / 0.9, 9);
    expect(f.get('mass')).toBeCloseTo(Math.log(0.9 / 0.1) / 5, 9);
    expect(f.get('nb:knn:training')).toBe(0.6);
    expect(f.get('q')).toBe(1);
    expect(f.get('wh')).toBe(1);
    expect(f.get('short')).toBe(1);
    const g = gateFeatures([0.1, 0.2, 0.7], ['none', 'help', 'training'], new Map(), { tokens: ['book', 'me', 'on', 'the', 'neglect', 'course', 'please'], text: 'book me on the neglect course please' });
    expect([g.get('q'), g.get('wh'), g.get('short')]).toEqual([0, 0, 0]);
  });
});

describe('the classifier’s members', () => {
  /** A second member that reads "list" as the training list (`training`), strongly, and "book" as nothing. */
  const listMember = {
    featureOptions: { charGrams: false, lexicon: false, bigrams: false },
    neighbours: false,
    model: { classes: ['none', 'my-training', 'training'], bias: [0, 0, 0], weights: { 'w:list': [-2, -2, 6] } },
  };

  it('averages the members’ probabilities, so a member can change which command is likeliest', () => {
    // The first member alone leans to `my-training` ("list" 0.4 towards it); with the second, `training`.
    expect(classifyIntentView(artefact(0.8), viewOf('bookings list')).intent).toBe('my-training');
    const both = { ...artefact(0.8), members: [listMember] };
    expect(classifyIntentView(both, viewOf('bookings list')).intent).toBe('training');
    // A message neither member reads as a command stays a question.
    expect(classifyIntentView(both, viewOf('who is the chair')).intent).toBeUndefined();
  });

  it('gives the gate each member’s confidence and whether it agrees on the command', () => {
    const view = { tokens: ['bookings', 'list'], text: 'bookings list' };
    const classes = ['none', 'my-training', 'training'];
    const f = gateFeatures([0.1, 0.3, 0.6], classes, new Map(), view, [
      [0.1, 0.5, 0.4],
      [0.1, 0.1, 0.8],
    ]);
    expect(f.get('cmd:training')).toBe(1);
    expect(f.get('m0:agree')).toBe(0);
    expect(f.get('m1:agree')).toBe(1);
    expect(f.get('m0:share')).toBeCloseTo(0.5 / 0.9, 9);
    expect(f.get('m1:top')).toBeCloseTo(Math.log(0.8 / 0.2) / 5, 9);
    // One member (an artefact without members) adds nothing beyond the averaged confidence.
    const one = gateFeatures([0.1, 0.3, 0.6], classes, new Map(), view, [[0.1, 0.3, 0.6]]);
    expect([...one.keys()].filter((k) => k.startsWith('m0:'))).toEqual([]);
  });

  it('scores with the gate over the members (a gate by hand that reads one member’s agreement)', () => {
    // "bookings list": the average is `training`; the second member agrees with it, the first (leaning to
    // `my-training`) does not.
    const gateOn = (key: string) => ({ classes: ['question', 'command'], bias: [0, -3], weights: { [key]: [0, 6] } });
    const withGate = (key: string) => ({ ...artefact(0.8), members: [listMember], gate: gateOn(key) });
    expect(classifyIntentView(withGate('m1:agree'), viewOf('bookings list'))).toMatchObject({ intent: 'training' });
    const d = classifyIntentView(withGate('m0:agree'), viewOf('bookings list'));
    expect(d.intent).toBeUndefined();
    expect(d.score).toBeLessThan(0.1);
  });

  it('refuses members over different classes', () => {
    const fewer = { ...listMember, model: { ...listMember.model, classes: ['none', 'training'], bias: [0, 0], weights: {} } };
    expect(() => classifyIntentView({ ...artefact(0.8), members: [fewer] }, viewOf('bookings list'))).toThrow(/share their classes/);
    const reordered = { ...listMember, model: { ...listMember.model, classes: ['none', 'training', 'my-training'] } };
    expect(() => classifyIntentView({ ...artefact(0.8), members: [reordered] }, viewOf('bookings list'))).toThrow(/share their classes/);
  });
});

describe('the shipped command model and its offers', () => {
  const INTENTS = ['help', 'subscribe', 'unsubscribe', 'my-subscriptions', 'training', 'my-training', 'survey', 'escalate', 'my-escalations'] as const;

  it('is the members npm run train fits, with a gate and an offer threshold below its routing threshold', () => {
    const a = languageModels().intent;
    expect([a.featureOptions, ...(a.members ?? []).map((m) => m.featureOptions)]).toEqual(INTENT_MEMBERS.map((o) => o.features));
    expect(a.gate?.classes).toEqual(['question', 'command']);
    expect(typeof a.offer).toBe('number');
    expect(a.offer!).toBeLessThan(a.threshold);
    expect(a.offer!).toBeGreaterThan(0);
  });

  it('routes the word an offered command runs as, for every command', () => {
    for (const intent of INTENTS) expect(classifyIntentView(languageModels().intent, viewOf(commandWord(intent)))).toMatchObject({ intent, score: 1 });
  });
});
