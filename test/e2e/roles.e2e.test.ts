import { makeUser, startTestBot, type TestBot } from '../helpers/bot-harness';

/** `roles grant / revoke / list` over HTTP, as the README describes them: granted roles come and go, configured ones stay. */
describe('roles over HTTP (real server, Azurite, capture connector)', () => {
  const admin = makeUser('Ada Admin');
  const pat = makeUser('Pat Practitioner');
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot({ ADMIN_IDS: admin.aadObjectId });
  });
  afterAll(async () => t.stop());
  beforeEach(() => t.connector.clear());

  const reply = async (user: typeof admin, text: string): Promise<string> => {
    t.connector.clear();
    await t.say(user, text);
    const sent = t.connector.messagesTo(t.personalConversationId(user));
    return String(sent[sent.length - 1]?.body.text ?? '');
  };

  it('an admin grants a role in Teams, it works at once, and revoking it takes it away', async () => {
    expect(await reply(pat, 'training new')).toContain('only CSCP trainers');
    expect(await reply(admin, `roles grant trainer ${pat.aadObjectId}`)).toBe(`Done: granted trainer for ${pat.aadObjectId}.`);
    expect(await t.bot.deps.roles.has('trainer', pat.aadObjectId)).toBe(true);
    expect(await reply(admin, 'roles list')).toContain(`**trainer**: ${pat.aadObjectId} (granted)`);
    expect(await reply(admin, `roles revoke trainer ${pat.aadObjectId}`)).toBe(`Done: revoked trainer for ${pat.aadObjectId}.`);
    expect(await t.bot.deps.roles.has('trainer', pat.aadObjectId)).toBe(false);
  });

  it('a role from configuration cannot be revoked from Teams, and the reply says so rather than "Done"', async () => {
    const text = await reply(admin, `roles revoke admin ${admin.aadObjectId}`);
    expect(text).toContain('from configuration (ADMIN_IDS), which cannot be revoked from Teams');
    expect(await t.bot.deps.roles.has('admin', admin.aadObjectId)).toBe(true);
    expect(await reply(admin, `roles revoke escalation ${pat.aadObjectId}`)).toBe(`Not changed: ${pat.aadObjectId} does not have the escalation role.`);
  });

  it('only admins manage roles', async () => {
    expect(await reply(pat, `roles grant admin ${pat.aadObjectId}`)).toContain('only CSCP admins can manage roles');
    expect(await t.bot.deps.roles.has('admin', pat.aadObjectId)).toBe(false);
  });
});
