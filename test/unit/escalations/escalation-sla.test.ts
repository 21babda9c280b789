import { ManualClock } from '../../../src/clock';
import { testConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { createEscalationService } from '../../../src/escalations/escalation.service';
import type { Tables } from '../../../src/storage/tables';
import { testTables } from '../../helpers/storage';
import { RecordingNotifier, channel, dsl, sam, submitterTarget, validForm } from './escalation-fixtures';

const config = testConfig({ ESCALATION_TEAM_IDS: sam.aadObjectId });
const logger = createLogger('silent');

describe('escalation SLA re-raise', () => {
  let tables: Tables;
  const notifier = new RecordingNotifier();
  beforeEach(async () => {
    tables = await testTables();
    notifier.reset();
    notifier.failSends = false;
  });
  afterEach(async () => tables.dropAll());

  function setup(start: string) {
    const clock = new ManualClock(start);
    const svc = createEscalationService({ tables, notifier, clock, config, logger });
    return { clock, svc };
  }
  const reRaises = () => notifier.sends.filter((s) => JSON.stringify(s.message).includes('not been acknowledged'));

  it('re-raises after 8 working hours across a weekend and the spring DST change, once per period', async () => {
    const { svc } = setup('2026-03-27T16:00:00Z'); // Friday 16:00 GMT; clocks go forward on Sunday
    await svc.setTeamChannel(channel, sam);
    const { record } = await svc.submit({ input: validForm(), submitter: dsl, submitterTarget });

    expect((await svc.checkSla(new Date('2026-03-28T12:00:00Z'))).reRaised).toEqual([]); // Saturday
    expect((await svc.checkSla(new Date('2026-03-30T14:59:00Z'))).reRaised).toEqual([]); // Mon 15:59 BST
    expect((await svc.checkSla(new Date('2026-03-30T15:00:00Z'))).reRaised).toEqual([record.id]); // Mon 16:00 BST
    expect((await svc.checkSla(new Date('2026-03-30T15:30:00Z'))).reRaised).toEqual([]); // same period
    expect(reRaises()).toHaveLength(1);
    expect(reRaises()[0].target.conversationId).toBe(channel.conversationId);
    expect((await svc.get(record.id))?.record.reRaisedCount).toBe(1);

    // Next period: another 8 working hours later (Tuesday 16:00 BST).
    expect((await svc.checkSla(new Date('2026-03-31T15:00:00Z'))).reRaised).toEqual([record.id]);
    expect(reRaises()).toHaveLength(2);
  });

  it('never re-raises an acknowledged escalation', async () => {
    const { svc } = setup('2026-01-05T09:00:00Z');
    await svc.setTeamChannel(channel, sam);
    const { record } = await svc.submit({ input: validForm(), submitter: dsl, submitterTarget });
    await svc.act({ id: record.id, action: { kind: 'acknowledge' }, actor: sam });
    expect((await svc.checkSla(new Date('2026-01-09T09:00:00Z'))).reRaised).toEqual([]);
  });

  it('re-raises an urgent one after 1 clock hour, even at the weekend, and two checkers at once re-raise once', async () => {
    const { svc } = setup('2026-01-10T20:00:00Z'); // Saturday evening
    await svc.setTeamChannel(channel, sam);
    const { record } = await svc.submit({ input: validForm({ childSafeNow: 'no' }), submitter: dsl, submitterTarget });
    expect((await svc.checkSla(new Date('2026-01-10T20:59:00Z'))).reRaised).toEqual([]);
    const both = await Promise.all([svc.checkSla(new Date('2026-01-10T21:00:00Z')), svc.checkSla(new Date('2026-01-10T21:00:00Z'))]);
    expect(both.flatMap((o) => o.reRaised)).toEqual([record.id]);
    expect(reRaises()).toHaveLength(1);
  });

  it('an escalation saved before the channel was set is posted the moment it is set', async () => {
    const { svc } = setup('2026-01-05T09:00:00Z');
    const { record, posted } = await svc.submit({ input: validForm(), submitter: dsl, submitterTarget }); // no channel yet
    expect(posted).toBe(false);
    expect(notifier.sends).toHaveLength(0);
    expect(await svc.setTeamChannel(channel, sam)).toEqual({ posted: [record.id] });
    expect(notifier.sends.map((s) => s.target.conversationId)).toEqual([channel.conversationId]);
    expect((await svc.get(record.id))?.record.channelActivityId).toBeDefined();
    // Nothing is left for the next check to post, and setting the channel again posts nothing twice.
    expect((await svc.checkSla(new Date('2026-01-05T09:05:00Z'))).posted).toEqual([]);
    expect(await svc.setTeamChannel(channel, sam)).toEqual({ posted: [] });
    expect(notifier.sends).toHaveLength(1);
  });

  it('retries a re-raise that could not be delivered, and posts a card that could not be posted when the channel was set', async () => {
    const { svc } = setup('2026-01-05T09:00:00Z');
    const { record } = await svc.submit({ input: validForm(), submitter: dsl, submitterTarget }); // no channel yet
    expect(notifier.sends).toHaveLength(0);
    notifier.failSends = true;
    expect(await svc.setTeamChannel(channel, sam)).toEqual({ posted: [] });
    expect((await svc.checkSla(new Date('2026-01-05T17:00:00Z'))).reRaised).toEqual([]);
    notifier.failSends = false;
    const later = await svc.checkSla(new Date('2026-01-05T17:05:00Z'));
    expect(later.posted).toEqual([record.id]);
    expect(later.reRaised).toEqual([record.id]);
    expect((await svc.get(record.id))?.record.channelActivityId).toBeDefined();
  });
});
