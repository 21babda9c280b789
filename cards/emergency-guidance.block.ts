import type { Config } from '../src/config';
import { text, type CardElement } from './card';

/**
 * The emergency route, shown first whenever a child may not be safe. Contacts come only from
 * configuration; when unset the wording stays generic rather than inventing a number.
 */
export function emergencyGuidanceBlock(safety: Config['safety']): CardElement {
  const mash = safety.mashContact
    ? `Coventry MASH (Multi-Agency Safeguarding Hub): **${safety.mashContact}**`
    : 'Contact Coventry’s MASH (Multi-Agency Safeguarding Hub) through your agency’s usual referral route.';
  const ooh = safety.outOfHoursContact
    ? `Out of hours: **${safety.outOfHoursContact}**`
    : 'Out of hours, use your agency’s out-of-hours route to Children’s Services (the emergency duty team).';
  return {
    type: 'Container',
    style: 'attention',
    bleed: false,
    items: [
      text('**If a child is in immediate danger, call 999.**', { size: 'Medium', spacing: 'None' }),
      text(mash, { spacing: 'Small' }),
      text(ooh, { spacing: 'Small' }),
      text('Recording an escalation here does not replace a referral or a call.', { isSubtle: true, size: 'Small', spacing: 'Small' }),
    ],
  };
}
