const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}/i;
// A run of digits with the separators people type in phone numbers; judged after stripping them.
const DIGIT_RUN = /\+?\(?\d[\d\s\-().]{7,}\d/g;

/**
 * True when the digits look like a phone number: UK national (0 + 9-10 digits, or a 07 mobile typed
 * without its 0), UK international (44/+44/0044), or any other + / 00 international number.
 */
function isPhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (/^\s*\(?\+/.test(candidate) || digits.startsWith('00')) {
    const n = digits.replace(/^00/, '').length;
    return n >= 10 && n <= 15;
  }
  if (digits.startsWith('44')) return digits.length === 11 || digits.length === 12;
  if (digits.startsWith('0')) return digits.length === 10 || digits.length === 11;
  return digits.startsWith('7') && digits.length === 10;
}

/**
 * Finds an email address or UK phone number in free text (07xxx xxxxxx, +44 7xxx, 024 7xxx xxxx, 0044…).
 * Used to refuse anonymous logs that would otherwise carry a parent's contact details.
 */
export function findContactDetails(text: string): 'email' | 'phone' | undefined {
  if (EMAIL.test(text)) return 'email';
  for (const m of text.matchAll(DIGIT_RUN)) if (isPhone(m[0])) return 'phone';
  return undefined;
}
