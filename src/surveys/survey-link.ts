import { UserInputError } from '../errors';

/**
 * Checks an admin-supplied survey link: a parseable https URL whose host is on the allow-list
 * (exact host match, case-insensitive). Returns the normalised URL; throws UserInputError otherwise.
 */
export function validateSurveyUrl(raw: string, allowedHosts: string[]): string {
  const value = raw.trim().replace(/^<|>$/g, '');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserInputError('That is not a web address. Use the full link, starting with https://', { url: 'Not a valid link' });
  }
  if (url.protocol !== 'https:') {
    throw new UserInputError('The survey link must start with https:// so parents’ answers travel encrypted.', { url: 'Must be https' });
  }
  if (url.username || url.password) {
    throw new UserInputError('The survey link must not contain a user name or password.', { url: 'No credentials in links' });
  }
  const host = url.hostname.toLowerCase();
  if (!allowedHosts.includes(host)) {
    const list = allowedHosts.length ? allowedHosts.join(', ') : '(none configured)';
    throw new UserInputError(`The survey must be hosted on an approved site: ${list}. Ask the CSCP business unit to add ${host} to SURVEY_ALLOWED_HOSTS if it is genuine.`, {
      url: `Host ${host} is not on the allow-list`,
    });
  }
  return url.toString();
}
