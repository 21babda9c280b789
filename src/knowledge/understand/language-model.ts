/**
 * Everything the language layer learned, loaded once: the urgent and intent classifiers, the reranker and
 * answerability models, the sentence model, the earlier questions, and the term expansion tables. All are artefacts of
 * `npm run train` under models/.
 */
import { loadArtefact, modelsDir } from './artefacts';
import type { FollowUpArtefact } from './follow-up';
import type { IntentArtefact } from './intent.classifier';
import type { QuestionsArtefact } from './neighbours';
import type { RankerArtefact } from './ranker';
import type { UrgentArtefact } from './urgent.classifier';
import type { UnitArtefact } from '../answer/unit-model';

export interface LanguageModels {
  urgent: UrgentArtefact;
  intent: IntentArtefact;
  ranker: RankerArtefact;
  questions: QuestionsArtefact;
  followUp: FollowUpArtefact;
  /** Which sentences of a passage answer (absent: sentences are ranked by the words they share with the question). */
  units?: UnitArtefact;
}

let loaded: LanguageModels | undefined;
/** The folder `loaded` came from: a CLI reading another folder (`--models`) gets that folder's models. */
let loadedFrom: string | undefined;

export function languageModels(): LanguageModels {
  if (loadedFrom !== modelsDir()) loaded = undefined;
  loadedFrom = modelsDir();
  loaded ??= {
    urgent: loadArtefact<UrgentArtefact>('urgent'),
    intent: loadArtefact<IntentArtefact>('intent'),
    ranker: loadArtefact<RankerArtefact>('ranker'),
    questions: loadArtefact<QuestionsArtefact>('questions'),
    followUp: loadArtefact<FollowUpArtefact>('follow-up'),
    units: loadArtefact<UnitArtefact>('units'),
  };
  return loaded;
}

/** Forget the loaded models (after retraining in the same process). */
export function resetLanguageModels(): void {
  loaded = undefined;
}
