import nlp from 'compromise';

/**
 * Masks what identifies a person in free text before it is stored (the answer log's questions, feedback
 * comments): email addresses, phone numbers, dates (of birth and any other), postcodes and street
 * addresses, and names. Practitioners type live disclosures; the log keeps what was asked, not who about.
 *
 * Names are found three ways, from surest to broadest: people compromise's lexicon knows (first names,
 * surnames, "Mrs Patel"); the word after a cue ("named", "called", "my pupil …"); and any other capitalised
 * word that is not a known place, organisation, acronym, month or safeguarding term. A name typed in lower
 * case with no cue can still get through: see README "Security and privacy".
 */

// Category: contact details.
const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}/gi;
const PHONE = /(?:\+|\b00)?\(?\d[\d \t().-]{6,}\d/g;
// Category: dates, numeric (12/03/2015, 2015-03-12, 12.3.15) and written (12 March 2015, 12th of March, March 2015).
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const NUMERIC_DATE = /\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b/g;
const WRITTEN_DATE = new RegExp(`\\b(?:\\d{1,2}(?:st|nd|rd|th)?(?:\\s+of)?\\s+(?:${MONTHS})\\.?(?:,?\\s+\\d{2,4})?|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{2,4})?|(?:${MONTHS})\\.?\\s+(?:19|20)\\d\\d)\\b`, 'gi');
// After the dates above are masked: "DOB [date]", "born in 2015", "date of birth: 2015" become one [date].
const BORN = /\b(?:born(?:\s+(?:on|in))?|d\.?o\.?b\.?|date of birth)\s*:?\s*(?:\[date\]|(?:19|20)\d\d)/gi;
// Category: addresses.
const POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/gi;
const STREET = /\b\d{1,4}[a-z]?,?\s+(?:[A-Za-z'-]+\s+){1,3}(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|place|grove|gardens|terrace|walk|row|square|hill|mews)\b\.?/gi;
const FLAT = /\b(?:flat|apartment|apt)\s+\d+[a-z]?\b/gi;

// Category: words that announce a name ("a boy called …", "my pupil …").
const NAMING_CUES = /\b(named|called|known as|name is|name's)\s+([A-Za-z][A-Za-z'-]*)(\s+[A-Z][A-Za-z'-]*)?/g;
const RELATION_CUES = new Set(['pupil', 'student', 'child', 'son', 'daughter', 'boy', 'girl', 'baby', 'brother', 'sister', 'niece', 'nephew', 'grandson', 'granddaughter', 'stepson', 'stepdaughter', 'mum', 'dad', 'mother', 'father', 'uncle', 'aunt', 'auntie', 'cousin', 'partner', 'boyfriend', 'girlfriend', 'friend', 'teen', 'toddler', 'infant', 'learner', 'client', 'carer']);

// Category: capitalised words of the partnership's own vocabulary that are not names.
const DOMAIN_TERMS = new Set(
  `coventry warwickshire england uk britain wales scotland cscp lscb mash lado dsl dsp nhs icb ofsted police council
  children children's childrens services service early help prevent channel operation encompass board partnership
  safeguarding designated lead officer named nurse doctor gp health visitor visitors school schools academy college
  nursery social care court family families hub hubs team teams guidance policy procedure procedures annual report
  newsletter training escalation section strategy meeting conference plan protection child in need looked after
  working together keeping safe education act the a an i my our we you is are what who how when where why which
  can do does should could would will if and or of for to on at by with from about please thanks thank hello hi
  dear yes no ok monday tuesday wednesday thursday friday saturday sunday teams microsoft english`
    .split(/\s+/)
    .filter(Boolean),
);

const FUNCTION_WORDS = new Set(['is', 'was', 'has', 'had', 'who', 'that', 'and', 'or', 'but', 'told', 'said', 'says', 'tells', 'in', 'at', 'on', 'of', 'to', 'from', 'with', 'the', 'a', 'an', 'my', 'his', 'her', 'their', 'our', 'your', 'it', 'he', 'she', 'they', 'we', 'i', 'you', 'me', 'him', 'them', 'us', 'this', 'these', 'those', 'aged', 'age', 'about', 'protection', 'abuse', 'exploitation', 'care', 'sexual', 'criminal', 'need', 'needs', 'plan', 'services', 'minding', 'development', 'poverty', 'death', 'deaths', 'safeguarding', 'health']);

function replaceAll(text: string, re: RegExp, token: string, keep?: (m: string) => boolean): string {
  return text.replace(re, (m) => (keep?.(m) ? m : token));
}

/** True for a phone-like digit run (at least nine digits: not a year, count or case reference fragment). */
const isPhone = (m: string) => m.replace(/\D/g, '').length >= 9;

/** The text with names, contact details, dates and addresses replaced by [name], [email], [phone], [date], [address]. */
export function maskPersonalDetails(text: string): string {
  let out = replaceAll(text, EMAIL, '[email]');
  out = replaceAll(out, NUMERIC_DATE, '[date]');
  out = replaceAll(out, WRITTEN_DATE, '[date]');
  out = replaceAll(out, BORN, '[date]');
  out = out.replace(PHONE, (m) => (isPhone(m) ? '[phone]' : m));
  out = replaceAll(out, STREET, '[address]');
  out = replaceAll(out, FLAT, '[address]');
  out = replaceAll(out, POSTCODE, '[address]', (m) => !/\d/.test(m));
  out = out.replace(NAMING_CUES, (m, cue: string, first: string, second?: string) =>
    FUNCTION_WORDS.has(first.toLowerCase()) ? m : `${cue} [name]${second && DOMAIN_TERMS.has(second.trim().toLowerCase()) ? second : ''}`,
  );
  out = maskNames(out);
  return out.replace(/\[name\](?:[\s-]+\[name\])+/g, '[name]');
}

interface Term {
  text: string;
  tags: string[];
  offset: { start: number; length: number };
}

const lexicon = (): Record<string, unknown> => (nlp as unknown as { world(): { model: { one: { lexicon: Record<string, unknown> } } } }).world().model.one.lexicon;

function maskNames(text: string): string {
  const known = lexicon();
  const sentences = nlp(text).json({ offset: true }) as { terms: Term[] }[];
  const spans: { start: number; end: number }[] = [];
  for (const s of sentences) {
    s.terms.forEach((t, i) => {
      const word = t.text;
      const lower = word.toLowerCase();
      if (!/[a-z]/i.test(word) || text[t.offset.start - 1] === '[') return;
      const tags = new Set(t.tags);
      const previous = s.terms[i - 1]?.text.toLowerCase();
      // A capital then at least one lower-case letter (acronyms such as MASH are not names); digits may follow.
      const capitalised = /^[A-Z][A-Za-z0-9'’-]*[a-z][A-Za-z0-9'’-]*$/.test(word);
      const domain = DOMAIN_TERMS.has(lower.replace(/['’]s$/, '')) || DOMAIN_TERMS.has(lower);
      let isName = false;
      if (domain || tags.has('Honorific')) isName = false;
      else if (tags.has('Person') || tags.has('FirstName') || tags.has('LastName')) isName = true;
      else if (previous && RELATION_CUES.has(previous) && !FUNCTION_WORDS.has(lower) && capitalised) isName = true;
      else if (capitalised && !['Place', 'Organization', 'Date', 'Month', 'WeekDay', 'Acronym', 'Pronoun', 'QuestionWord'].some((x) => tags.has(x))) {
        // Mid-sentence, a capitalised word is a proper noun; at the start, only one English does not know.
        isName = i > 0 || known[lower] === undefined;
      }
      if (isName) spans.push({ start: t.offset.start, end: t.offset.start + t.offset.length });
    });
  }
  let out = text;
  for (const sp of spans.sort((a, b) => b.start - a.start)) out = `${out.slice(0, sp.start)}[name]${out.slice(sp.end)}`;
  return out;
}
