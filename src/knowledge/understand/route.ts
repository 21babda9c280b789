import type { Intent } from '../knowledge.types';
import { classifyIntentView } from './intent.classifier';
import { languageModels } from './language-model';
import { viewOf } from './message-features';
import { checkUrgentView } from './urgent.classifier';

/**
 * The command a message asks for, in any wording — never for a message describing a child at risk (that
 * one goes to the answer path, which leads with 999).
 */
export function commandIntent(raw: string): Intent | undefined {
  const m = languageModels();
  const view = viewOf(raw);
  if (checkUrgentView(m.urgent, view).urgent) return undefined;
  return classifyIntentView(m.intent, view).intent;
}
