/**
 * Urgent-message detection. A message is urgent when it describes a danger signal AND it is about a
 * real, present situation (a specific child, or words of immediacy); questions about a topic
 * ("what training is there on self-harm?", "what should I do if a child goes missing?") are not.
 */

export type UrgentReason = 'danger' | 'disclosure' | 'missing' | 'self-harm';

const SELF_HARM = [
  /\b(?:taken|took|swallowed|swallowing|taking|had)\b[^.?!]{0,40}\b(?:tablets|pills|paracetamol|overdose|medication|meds)\b/i,
  /\boverdos(?:e|ed|ing)\b/i,
  /\b(?:cutting|cut|hurting|harming)\s+(?:him|her|them|my|him|her)sel(?:f|ves)\b/i,
  /\bsel(?:f|ves)[- ]harm(?:ing|ed)?\b/i,
  /\b(?:kill|killing|hang|hanging|end)\s+(?:him|her|them)sel(?:f|ves)\b|\bend (?:his|her|their) life\b/i,
  /\bsuicid(?:e|al)\b|\bligature\b|\bjump(?:ing)? off\b/i,
  /\b(?:doesn'?t|does not|don'?t|do not) want to (?:be here|live|be alive)\b|\bwants? to die\b/i,
  /\bwants? to (?:end (?:it|(?:his|her|their) life)|kill (?:him|her|them)sel(?:f|ves))\b/i,
];
const MISSING = [
  /\b(?:is|has gone|gone|went|been|reported|still|now)\s+missing\b/i,
  /\bmissing (?:since|from|for|overnight|again)\b/i,
  /\b(?:run|ran) away\b|\bhas(?:n'?t| not) (?:come|came|returned|been) (?:home|back)\b|\bcan'?t (?:find|locate)\b|\bwhereabouts (?:are )?unknown\b|\babsconded\b/i,
];
const DANGER = [
  /\bimmediate (?:danger|risk)\b|\bin danger\b|\bat risk (?:right )?now\b/i,
  /\bbeing (?:hurt|hit|beaten|attacked|abused|assaulted|raped|threatened)\b/i,
  /\b(?:is going to|gonna|will|threaten(?:ed|ing) to)\s+(?:hurt|kill|hit|stab|beat|attack)\b/i,
  /\b(?:has|with|carrying|got) (?:a )?(?:knife|weapon|gun|blade)\b/i,
  /\b(?:scared|afraid|frightened) to go home\b|\bnot safe (?:to go )?(?:at )?home\b|\blocked (?:in|out)\b/i,
  /\b(?:meet|meeting|go(?:ing)? off with)\s+(?:an? )?(?:older|adult|unknown|strange)\s+(?:man|men|male|woman|adult|person)\b/i,
  /\b(?:unconscious|not breathing|bleeding heavily|seriously injured)\b/i,
  /\b(?:meet|meeting|meet up with|go(?:ing)? to see)\s+(?:a|an|some)\s+(?:man|men|adult|stranger|someone|person|boy|guy)\s+(?:she|he|they)\s+(?:met|talks? to|talked to|has been talking to|chatted to)\s+online\b/i,
  /\b(?:bruis(?:es|ed|ing)|black eye|burn marks?|cigarette burns?|finger ?marks|injuries)\b/i,
];
/** Situations that are an emergency by themselves, whoever is involved: a weapon, a body in danger, a child gone. */
const ACUTE = [
  /\bimmediate (?:danger|risk)\b/i,
  /\b(?:with|has|have|had|carrying|got|holding|brought|brandishing|waving|pulled)\s+(?:a|an)\s+(?:knife|gun|weapon|blade|machete|firearm|axe|hammer)\b/i,
  /\b(?:not breathing|unconscious|bleeding heavily|seriously injured|overdosed|has taken an overdose)\b/i,
  /\b(?:is|are) being (?:hurt|hit|beaten|attacked|abused|assaulted|raped|threatened)\b/i,
  /\b(?:is|are)\s+threatening\b|\bthreatening (?:a|an|the)\s+\w+\s+with\b/i,
  /\b(?:has|have) (?:gone|been) missing\b|\b(?:is|are) (?:now |still )?missing\b(?!\s+(?:children|kids|young|pupils|students|persons?|people|from education|episodes))|\bwent missing (?:today|tonight|this|earlier|from)\b|\bhas(?:n'?t| not) (?:come|returned|been) (?:home|back)\b|\bhas run away\b|\bran away (?:today|tonight|this|last night|from)\b/i,
];
const DISCLOSURE = [
  /\b(?:just|has just|have just)\s+(?:told|disclosed|said|confided|messaged|texted)\b/i,
  /\b(?:disclosed|disclosing|is disclosing)\b[^.?!]{0,30}\b(?:to me|now|today|abuse|that)\b/i,
  /\btold me (?:that )?(?:her|his|their|she|he|they|mum|dad|step)/i,
  /\b(?:is|are|'s|'re) (?:telling|disclosing to|confiding in) (?:me|us)\b|\btelling me (?:right )?now\b/i,
  /\b(?:he|she|they|child|boy|girl|pupil|student|kid|baby|teen(?:ager)?|young person)(?:\s+[\w-]+){0,3}?\s+(?:says|said|is saying|has said|has told (?:me|us)|told (?:me|us))\b/i,
];
const ABUSE = /\b(?:abus|hit|hits|hitting|beat|hurt|touch|rape|sexual|assault|punch|kick|burn|strangl|chok|threat|bruis)/i;

/** A real child in front of the practitioner, not "a child" in general. */
const SPECIFIC_CHILD =
  /\b(?:my|our|this|one of (?:my|our)|the)\s+(?:\w+\s+){0,2}(?:pupil|student|child|children|kid|boy|girl|lad|young person|yp|client|son|daughter|teen(?:ager)?|learner|baby|year \d{1,2})s?\b|\b\d{1,2}\s*(?:yr|yrs|year|years)[\s-]*old\b|\byear \d{1,2}s?\b|\b(?:she|he|they)(?:'s| has| is| was| have| are|'ve|'re| took| said| told)\b|\b(?:in|from) (?:my|our) (?:class|tutor group|form|group|school|setting|care|office|nursery)\b|\b(?:child|boy|girl|pupil|kid) in (?:reception|nursery|year \d{1,2})\b/i;
const IMMEDIACY =
  /\b(?:just|right now|now|tonight|today|this (?:morning|afternoon|evening)|currently|at the moment|still|since|hasn'?t|has not|urgent|urgently|asap|emergency|help)\b/i;
const TOPIC_WORDS =
  '(?:training|course|guidance|guide|policy|policies|procedures?|process|toolkit|resources?|statistics|figures|data|numbers|report|review|strategy|awareness|e-?learning|briefing|leaflet|poster|advice|support|information|framework|plan|pathway|protocol)';
const TOPIC_QUESTION = new RegExp(
  `^\\s*(?:what|which|how many|how do (?:i|we|you) (?:recognise|spot|identify)|where can i (?:find|get)|is there|are there|any|who do i contact about)\\b[^?]*\\b${TOPIC_WORDS}\\b|^\\s*(?:how many|how old|(?:at )?what age)\\b|^\\s*(?:training|guidance|policy|resources?|advice|information) (?:on|about|for)\\b`,
  'i',
);
/** "If a child…", "signs that…": a question about what to do in general, not a report of what is happening. */
const HYPOTHETICAL =
  /\b(?:if|when|whenever|where) (?:a|an|any|the|some)?\s*(?:child|children|young (?:person|people)|pupils?|students?|kids?|baby|babies|teen(?:ager)?s?|someone|somebody|they)\b|\bsigns (?:of|that)\b|\bhow (?:do|should|would|can|could) (?:i|we|you|staff|schools?|practitioners?) (?:respond|react|handle|deal|support|recognise|spot)\b/i;
/** The question is about what the guidance or a report says ("case study 2", "the annual report"). */
const DOCUMENT_REFERENCE = /\b(?:case stud(?:y|ies)|annual report|the report|the review|newsletter|practice review|spr|lcspr|one minute guide)\b/i;

export interface UrgentCheck {
  urgent: boolean;
  reasons: UrgentReason[];
}

/** Decides whether a message describes a child at immediate risk (see the module comment). */
export function detectUrgent(message: string): UrgentCheck {
  // Phones type curly apostrophes ("hasn’t"); the patterns are written with straight ones.
  const text = message.replace(/[’‘`´]/g, "'");
  const reasons: UrgentReason[] = [];
  if (SELF_HARM.some((r) => r.test(text))) reasons.push('self-harm');
  if (MISSING.some((r) => r.test(text))) reasons.push('missing');
  if (DANGER.some((r) => r.test(text))) reasons.push('danger');
  if (DISCLOSURE.some((r) => r.test(text)) && ABUSE.test(text)) reasons.push('disclosure');
  const acute = ACUTE.some((r) => r.test(text));
  if (acute && reasons.length === 0) reasons.push('danger');
  if (reasons.length === 0) return { urgent: false, reasons };
  const urgent = isHappening(text, acute);
  return { urgent, reasons: urgent ? reasons : [] };
}

/**
 * A danger signal counts when it is happening to someone real: an emergency by itself (a weapon, a
 * child gone missing, not breathing), a specific child, or words of immediacy — never in a question about
 * what to do "if a child…", nor in one about training, guidance or what a report says.
 */
function isHappening(text: string, acute: boolean): boolean {
  if (HYPOTHETICAL.test(text)) return false;
  const topic = TOPIC_QUESTION.test(text) || DOCUMENT_REFERENCE.test(text);
  if (acute) return !topic;
  const specific = SPECIFIC_CHILD.test(text);
  if (specific) return !DOCUMENT_REFERENCE.test(text) && !(TOPIC_QUESTION.test(text) && !IMMEDIACY.test(text));
  return IMMEDIACY.test(text) && !topic && !new RegExp(`\\b${TOPIC_WORDS}\\b`, 'i').test(text);
}

export interface EmergencyContacts {
  mashContact?: string;
  outOfHoursContact?: string;
}

/**
 * The emergency preface. Contact lines come from configuration only; without them the wording is
 * generic and names no number but 999.
 */
export function emergencyPreface(reasons: UrgentReason[], contacts: EmergencyContacts): string {
  const lines = ['If a child is in immediate danger, call 999.'];
  if (reasons.includes('self-harm')) lines.push('If they have taken an overdose or are injured, call 999 for an ambulance now and stay with them.');
  if (reasons.includes('missing')) lines.push('Report a missing child who may be at risk to the police on 999 without delay.');
  lines.push(
    contacts.mashContact
      ? `Then contact the Multi Agency Safeguarding Hub (MASH): ${contacts.mashContact}.`
      : "Then make a referral to Coventry's Multi Agency Safeguarding Hub (MASH) using the contact details in your organisation's safeguarding procedures.",
  );
  lines.push(
    contacts.outOfHoursContact
      ? `Out of hours: ${contacts.outOfHoursContact}.`
      : "Out of hours, use the children's social care emergency duty route in your safeguarding procedures.",
  );
  lines.push('Tell your Designated Safeguarding Lead and record what you saw and heard, in the child’s own words.');
  return lines.join('\n');
}
