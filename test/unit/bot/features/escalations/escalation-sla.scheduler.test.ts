import { ManualClock } from '../../../../../src/clock';
import { testConfig } from '../../../../../src/config';
import { createLogger } from '../../../../../src/logger';
import { createEscalationService } from '../../../../../src/escalations/escalation.service';
import type { Tables } from '../../../../../src/storage/tables';
import { createSlaScheduler, SLA_PERIOD_MS } from '../../../../../bot/features/escalations/escalation-sla.scheduler';
import { testTables } from '../../../../helpers/storage';
import { RecordingNotifier, channel, dsl, sam, submitterTarget, validForm } from '../../../escalations/escalation-fixtures';

const config = testConfig({ ESCALATION_TEAM_IDS: sam.aadObjectId });
const logger = createLogger('silent');

describe('escalation SLA scheduler', () => {
  let tables: Tables;
  const notifier = new RecordingNotifier();
  beforeEach(async () => {
    tables = await testTables();
    notifier.reset();
  });
  afterEach(async () => tables.dropAll());

  function instance(clock: ManualClock, owner: string) {
    const service = createEscalationService({ tables, notifier, clock, config, logger });
    return { service, sla: createSlaScheduler({ service, tables, clock, logger, owner }) };
  }

  it('runs the check on one instance per tick (lease) and re-raises once per period', async () => {
    const clock = new ManualClock('2026-03-10T10:00:00Z');
    const a = instance(clock, 'instance-a');
    const b = instance(clock, 'instance-b');
    await a.service.setTeamChannel(channel, sam);
    const { record } = await a.service.submit({ input: validForm(), submitter: dsl, submitterTarget });
    notifier.reset();

    const at = new Date('2026-03-11T11:00:00Z'); // 9 working hours later
    const [ra, rb] = await Promise.all([a.sla.tick(at), b.sla.tick(at)]);
    const ran = [ra, rb].filter(Boolean);
    expect(ran).toHaveLength(1);
    expect(ran[0]!.reRaised).toEqual([record.id]);
    expect(notifier.sends).toHaveLength(1);

    // Five minutes on, the lease has expired and the other instance may run; the period was already re-raised.
    const next = new Date(at.getTime() + 5 * 60_000);
    const loser = ra ? b : a;
    expect(await loser.sla.tick(next)).toEqual({ reRaised: [], posted: [] });
    expect(notifier.sends).toHaveLength(1);
  });

  it('does nothing before the limit and nothing for acknowledged escalations', async () => {
    const clock = new ManualClock('2026-03-10T10:00:00Z');
    const { service, sla } = instance(clock, 'solo');
    await service.setTeamChannel(channel, sam);
    const { record } = await service.submit({ input: validForm(), submitter: dsl, submitterTarget });
    expect((await sla.tick(new Date('2026-03-10T17:59:00Z')))!.reRaised).toEqual([]);
    await service.act({ id: record.id, action: { kind: 'acknowledge' }, actor: sam });
    expect((await sla.tick(new Date('2026-03-12T10:00:00Z')))!.reRaised).toEqual([]);
  });

  it('polls every 5 minutes (the timer itself is tested in test/unit/scheduler) and stops cleanly', async () => {
    const { sla } = instance(new ManualClock('2026-10-25T00:30:00Z'), 'timer');
    expect(SLA_PERIOD_MS).toBe(5 * 60_000);
    sla.start();
    sla.start(); // idempotent
    await expect(sla.stop()).resolves.toBeUndefined();
  });
});
