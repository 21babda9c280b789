/** The demo's newsletter: plain text as pasted from an e-mail, so the first preview shows how stories are found. */
export const SAMPLE_NEWSLETTER_TITLE = 'SAMPLE newsletter (npm run demo)';

export const SAMPLE_NEWSLETTER = `CSCP Practitioner Newsletter
Sample edition

This is a sample newsletter made by npm run demo so you can try the digest preview. Nothing here is real news.

Neglect toolkit relaunched
The graded care profile has been refreshed after feedback from health visitors and schools. Practitioners should use it for every neglect assessment. The toolkit now includes a shorter version for early help.
Read more: https://www.coventry.gov.uk/cscp

Escalation policy reminder
If you disagree with a decision about a child, talk to the worker first and then their manager. If that does not resolve it, type escalate to this bot and record each step.

Safe Spaces across the city
Child Friendly Coventry has Safe Spaces for children and young people who feel lost, scared or unsafe. Businesses taking part show a sticker in their window.

Training places
New multi-agency training sessions are open for booking. Type training to this bot to see them and book a place.

Parents and carers survey
We want to hear from parents and carers about the help they get. Type survey to this bot for the link and a QR code to share.
`;
