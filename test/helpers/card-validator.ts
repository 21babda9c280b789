/* Validates Adaptive Card JSON the way a host would parse it, plus the checks the SDK does not make. */
// The package's ESM build does not load in Node; its UMD bundle does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js');

type Json = Record<string, unknown>;

/** Walks every element, action, inline ShowCard and fallback so nested content is checked too. */
function walk(node: unknown, path: string, visit: (n: Json, path: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => walk(n, `${path}[${i}]`, visit));
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Json;
  if (typeof obj.type === 'string') visit(obj, path);
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'data') continue; // submitted data is free-form
    if (v && typeof v === 'object') walk(v, `${path}.${k}`, visit);
  }
}

/**
 * Returns every problem found in an Adaptive Card (empty when it is valid): parse errors from the
 * official SDK at version 1.5 (unknown types, invalid values), `validateProperties()` errors (missing
 * or duplicate input ids), and our own: version 1.5 at most, TextBlocks with text, Images with a url.
 */
export function validateCard(json: unknown): string[] {
  const problems: string[] = [];
  const card = json as Json;
  if (!card || card.type !== 'AdaptiveCard') return ['not an AdaptiveCard'];
  if (card.version !== '1.5') problems.push(`version is ${String(card.version)}, Teams needs 1.5`);
  if (card.$schema !== 'http://adaptivecards.io/schemas/adaptive-card.json') problems.push('missing or wrong $schema');

  const ctx = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(JSON.parse(JSON.stringify(json)), ctx);
  for (let i = 0; i < ctx.eventCount; i++) problems.push(`parse: ${ctx.getEventAt(i).message}`);
  const results = parsed.validateProperties();
  for (const e of results.validationEvents) problems.push(`validate: ${e.message}`);

  walk(card.body, 'body', (n, path) => {
    if (n.type === 'TextBlock' && (typeof n.text !== 'string' || n.text.trim() === '')) problems.push(`${path}: TextBlock without text`);
    if (n.type === 'Image' && (typeof n.url !== 'string' || n.url.trim() === '')) problems.push(`${path}: Image without url`);
    if (n.type === 'TextRun' && (typeof n.text !== 'string' || n.text === '')) problems.push(`${path}: TextRun without text`);
  });
  walk(card.actions, 'actions', (n, path) => {
    if (n.type === 'TextBlock' && (typeof n.text !== 'string' || n.text.trim() === '')) problems.push(`${path}: TextBlock without text`);
    if (n.type === 'Image' && (typeof n.url !== 'string' || n.url.trim() === '')) problems.push(`${path}: Image without url`);
  });
  return problems;
}
