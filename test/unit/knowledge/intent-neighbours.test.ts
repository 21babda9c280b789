/**
 * The nearest-message evidence of the command classifier: similarity to earlier messages of each kind, a
 * writer's own messages left out in training, and the trained classifier using it.
 */
import { IntentNeighbours } from '../../../src/knowledge/understand/intent-neighbours';
import { classifyIntentView } from '../../../src/knowledge/understand/intent.classifier';
import { languageModels } from '../../../src/knowledge/understand/language-model';
import { viewOf } from '../../../src/knowledge/understand/message-features';

const stems = (s: string) => viewOf(s).stems;

describe('intent neighbours', () => {
  const stored = [
    { stems: stems('please stop sending me the newsletter'), intent: 'unsubscribe', writer: 'a' },
    { stems: stems('sign me up for the newsletter'), intent: 'subscribe', writer: 'b' },
    { stems: stems('who chairs the partnership'), intent: 'none', writer: 'c' },
  ];
  const n = new IntentNeighbours(stored);

  it('scores a message against the nearest earlier message of each kind, the nearest overall under its kind', () => {
    const f = n.features(stems('can you stop sending me these newsletters'));
    expect(f.get('knn:unsubscribe')).toBeGreaterThan(f.get('knn:subscribe') ?? 0);
    expect(f.get('knn_top:unsubscribe')).toBe(f.get('knn:unsubscribe'));
    expect(f.has('knn_top:subscribe')).toBe(false);
    expect(f.get('knn:unsubscribe')).toBeLessThanOrEqual(1 + 1e-9);
    // The same words give similarity 1; nothing in common gives no feature at all.
    expect(n.features(stems('who chairs the partnership')).get('knn:none')).toBeCloseTo(1, 6);
    expect(n.features(stems('zebra crossing')).size).toBe(0);
  });

  it("leaves a writer's own messages out when asked (training reads each writer as a stranger)", () => {
    const f = n.features(stems('please stop sending me the newsletter'), 'a');
    expect(f.has('knn:unsubscribe')).toBe(false);
    expect(f.has('knn:subscribe')).toBe(true);
  });
});

describe('command classifier with nearest messages', () => {
  it('ships the training messages it compares with, and their evidence moves its decision', () => {
    const a = languageModels().intent;
    expect(a.messages.length).toBeGreaterThan(1000);
    expect(Object.keys(a.model.weights).some((k) => k.startsWith('knn_top:'))).toBe(true);
    // Without the stored messages the same model scores an everyday command lower: the evidence is used.
    const msg = 'can u take me off the mailing list pls';
    const withN = classifyIntentView(a, viewOf(msg));
    const without = classifyIntentView({ ...a, messages: [] }, viewOf(msg));
    expect(withN.intent).toBe('unsubscribe');
    expect(withN.score).toBeGreaterThan(without.score);
  });
});
