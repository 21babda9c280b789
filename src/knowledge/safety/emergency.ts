/**
 * The emergency lines that lead any message describing a child in danger now. Contact lines come from
 * configuration only; without them the wording is generic and names no number but 999.
 */

export interface EmergencyContacts {
  mashContact?: string;
  outOfHoursContact?: string;
}

/** Extra first steps for some kinds of danger (the urgent classifier's risk categories). */
const FIRST_STEP: Record<string, string> = {
  'medical-emergency': 'If a child is unresponsive, not breathing, fitting or has taken something, call 999 for an ambulance now and follow the call handler’s instructions.',
  'self-harm-suicide': 'If they have taken an overdose or are injured, call 999 for an ambulance now and stay with them.',
  missing: 'Report a missing child who may be at risk to the police on 999 without delay.',
  weapon: 'Keep yourself and others at a safe distance and call 999; do not try to take a weapon from anyone.',
  'carer-unfit': 'Do not let a child leave in the care of an adult who is not fit to care for them or to drive; call 999 if they try to take the child.',
  'fgm-forced-marriage': 'If a child is about to be taken abroad, call 999: the police can act before travel (protection orders can stop a journey).',
  'domestic-abuse-now': 'If violence is happening now where children are, call 999.',
};

export function emergencyPreface(risk: string | undefined, contacts: EmergencyContacts): string {
  const lines = ['If a child is in immediate danger, call 999.'];
  const step = risk ? FIRST_STEP[risk] : undefined;
  if (step) lines.push(step);
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
