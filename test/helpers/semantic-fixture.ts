import * as path from 'node:path';

/**
 * A small guidance folder and a question for semantic retrieval tests. The question paraphrases the GP-practice
 * passage with no word in common ("doctor's surgery", "ring", "pass on notes", "youngster"), while its words
 * "named professional" match another passage, which the lexical ranking answers with. The stub model's synonym
 * table below is what makes the paraphrase near its passage.
 */
export const SEMANTIC_GUIDANCE = path.join(__dirname, '..', 'fixtures', 'semantic-guidance');

export const SEMANTIC_QUESTION = "which named professional do I ring at the doctor's surgery to pass on notes about a youngster?";

/** The passage the question means: "Every GP practice … has a safeguarding co-ordinator … point of contact …". */
export const SEMANTIC_LEAD = 'health-partners#0';
/** The passage the lexical ranking alone leads with ("Named professionals"). */
export const LEXICAL_LEAD = 'health-partners#6';

export const SEMANTIC_SYNONYMS: Record<string, string[]> = {
  gp: ['doctor', 'surgery', 'practice'],
  contact: ['ring', 'phone', 'call', 'co-ordinator', 'coordinator'],
  share: ['pass', 'passing', 'swap', 'gather'],
  information: ['notes', 'details', 'info'],
  child: ['children', 'youngster', 'kid', 'kids'],
};

/**
 * The stub model for these tests. Words outside the synonym table count a little (`otherWeight`), as every word
 * does for a real model: with 0, a dozen passages that mention only "child" and "information" get the same
 * vector and their order in the semantic ranking is the order of the files, so which of them fusion puts near
 * the top depends on file order (reciprocal-rank fusion separates neighbouring ranks by about 1/3,700).
 */
export const SEMANTIC_STUB = { synonyms: SEMANTIC_SYNONYMS, otherWeight: 0.05 };
