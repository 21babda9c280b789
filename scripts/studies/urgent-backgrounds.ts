/**
 * A check of how the urgent classifier reads a danger told after, or inside, a long background (README Quality,
 * ninth session; Known limits): each short urgent and topic message of a split (under 160 characters) after about
 * 3,000 characters of one of three backgrounds written for this check, or inside about 47 KB of procedure-like text.
 *
 *   node scripts/run-ts.js scripts/studies/urgent-backgrounds.ts [MODELS_DIR=models] [CORPUS_DIR=test/fixtures/messages]
 */
import * as path from 'node:path';
import { loadCorpus } from '../../src/knowledge/understand/corpus';
import { useModelsDir, loadArtefact } from '../../src/knowledge/understand/artefacts';
import { checkUrgentView, type UrgentArtefact } from '../../src/knowledge/understand/urgent.classifier';
import { viewOf } from '../../src/knowledge/understand/message-features';
useModelsDir(path.resolve(process.argv[2] ?? 'models'));
const a = loadArtefact<UrgentArtefact>('urgent');
const corpus = loadCorpus(path.resolve(process.argv[3] ?? 'test/fixtures/messages')).messages;
const BG: Record<string, string> = {
  mixed: "I'm the school nurse at a secondary school. I've known this young person since year 7 when she was referred for low mood. Last term she had some time off and her attendance dropped to 80 percent. She is under CAMHS and has a worker who sees her every few weeks. Her mum works nights and her older brother often collects her. ",
  past: 'Back in 2023 the family were known to children’s services under a child in need plan. The plan was closed last spring after mum completed a parenting course. The school reported no concerns over the summer term and the children were described as happy and well presented. Dad had previously lived with them but left after an argument two years ago. ',
  present: 'The children are settled in their foster placement and are doing well at school. Their carer is experienced and takes them to football on Saturdays. Contact with mum is supervised and happens every other week at the family centre. Everyone at the review says things are going well. ',
};
const DOC = 'The partnership procedures set out how agencies share information. Practitioners should record concerns promptly and discuss them with their designated lead. Multi-agency meetings review progress against the plan. ';
const pad = (kind: string, m: string) => kind === 'doc' ? `${DOC.repeat(200)} ${m} ${DOC.repeat(20)}` : `${BG[kind].repeat(Math.ceil(3000 / BG[kind].length))}${m}`;
const flagged = (text: string) => checkUrgentView(a, viewOf(text)).urgent;
const count = <T>(xs: T[], p: (x: T) => boolean) => xs.filter(p).length;
for (const split of ['train', 'heldback']) {
  const short = (kind: string) => corpus.filter((m) => m.split === split && m.kind === kind && m.message.length < 160).map((m) => m.message);
  const urgent = short('urgent');
  const topic = short('topic');
  const out = [`${split}: short urgent ${urgent.length}, topic ${topic.length}; alone: urgent missed ${count(urgent, (m) => !flagged(m))}`];
  for (const kind of ['mixed', 'past', 'present', 'doc']) {
    const topics = `, topic flagged ${count(topic, (m) => flagged(pad(kind, m)))}`;
    out.push(`${kind}: background alone flagged ${flagged(pad(kind, ''))}; urgent missed ${count(urgent, (m) => !flagged(pad(kind, m)))}${topics}`);
  }
  console.log(out.join('\n  '));
}
