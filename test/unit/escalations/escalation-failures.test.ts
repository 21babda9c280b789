import type { TableClient } from '@azure/data-tables';
import { ManualClock } from '../../../src/clock';
import { testConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { createEscalationService } from '../../../src/escalations/escalation.service';
import type { Tables } from '../../../src/storage/tables';
import { escalationCardMessages } from '../../../cards/escalation.messages';
import { testTables } from '../../helpers/storage';
import { validateCard } from '../../helpers/card-validator';
import { RecordingNotifier, channel, dsl, sam, submitterTarget, validForm } from './escalation-fixtures';

const config = testConfig({ ESCALATION_TEAM_IDS: sam.aadObjectId });
const logger = createLogger('silent');

/** Real tables, except that the Escalations transaction fails the first `failures` times (storage fault mid-submit). */
function faultyTables(real: Tables, failures: number): Tables {
  let left = failures;
  return {
    ...real,
    client(name) {
      const c = real.client(name);
      if (name !== 'Escalations') return c;
      return new Proxy(c, {
        get(target, prop, receiver) {
          if (prop === 'submitTransaction' && left > 0) {
            return async () => {
              left--;
              throw Object.assign(new Error('storage unavailable'), { statusCode: 503 });
            };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      }) as TableClient;
    },
  };
}

describe('escalation submission under storage faults', () => {
  let tables: Tables;
  const clock = new ManualClock('2026-05-05T10:00:00Z');
  const notifier = new RecordingNotifier();
  beforeAll(async () => {
    tables = await testTables();
  });
  afterAll(async () => tables.dropAll());

  it('a failed write after the counter leaves no record and no marker; the retry saves exactly one', async () => {
    const svc = createEscalationService({ tables: faultyTables(tables, 1), notifier, clock, config, logger, messages: escalationCardMessages });
    await svc.setTeamChannel(channel, sam);
    const form = validForm();
    await expect(svc.submit({ input: form, submitter: dsl, submitterTarget })).rejects.toThrow(/storage unavailable/);
    const rows: string[] = [];
    for await (const e of tables.client('Escalations').listEntities()) rows.push(e.rowKey!);
    expect(rows).toEqual([]);
    expect(notifier.sends).toHaveLength(0);

    const ok = await svc.submit({ input: form, submitter: dsl, submitterTarget });
    expect(ok.duplicate).toBe(false);
    expect(ok.record.id).toBe('ESC-2026-0002'); // 0001 was consumed by the failed attempt: a gap, never a duplicate
    const again = await svc.submit({ input: form, submitter: dsl, submitterTarget });
    expect(again).toMatchObject({ duplicate: true, record: { id: ok.record.id } });
  });

  it('posts a valid team card, then updates it in place with the new status when acknowledged', async () => {
    notifier.reset();
    const svc = createEscalationService({ tables, notifier, clock, config, logger, messages: escalationCardMessages });
    const { record } = await svc.submit({ input: validForm({ childSafeNow: 'no' }), submitter: dsl, submitterTarget });
    const posted = notifier.sends[0].message.attachments![0].content as { body: unknown[] };
    expect(validateCard(posted)).toEqual([]);
    expect(JSON.stringify(posted)).toContain('URGENT');
    await svc.act({ id: record.id, action: { kind: 'acknowledge' }, actor: sam });
    const updated = notifier.updates[0];
    expect(updated.activityId).toBe(record.channelActivityId);
    expect(validateCard(updated.message.attachments![0].content)).toEqual([]);
    expect(JSON.stringify(updated.message)).toContain('Sam Team acknowledged it');
    expect(JSON.stringify(updated.message)).not.toContain('"verb":"escalationAck"');
    const told = notifier.sends.find((s) => s.target.conversationId === submitterTarget.conversationId)!;
    expect(validateCard(told.message.attachments![0].content)).toEqual([]);
  });

  it('a history line lost to a failed append is rebuilt on the next read', async () => {
    const svc = createEscalationService({ tables, notifier, clock, config, logger });
    const { record } = await svc.submit({ input: validForm(), submitter: dsl, submitterTarget });
    await tables.client('EscalationHistory').deleteEntity(record.id, '000001');
    const v = await svc.get(record.id);
    expect(v?.history.map((h) => h.action)).toEqual(['created']);
    const stored: string[] = [];
    for await (const e of tables.client('EscalationHistory').listEntities({ queryOptions: { filter: `PartitionKey eq '${record.id}'` } })) stored.push(e.rowKey!);
    expect(stored).toEqual(['000001']);
  });

  it('finds the channel from ESCALATION_CHANNEL_ID through resolveChannel until "escalations here" overrides it', async () => {
    const fresh = await testTables();
    try {
      const cfg = testConfig({ ESCALATION_CHANNEL_ID: '19:configured@thread.tacv2' });
      const resolveChannel = async (id: string) => ({ conversationId: id, serviceUrl: 'https://smba.example/uk/' });
      const svc = createEscalationService({ tables: fresh, notifier, clock, config: cfg, logger, resolveChannel });
      expect((await svc.teamChannel())?.conversationId).toBe('19:configured@thread.tacv2');
      await svc.setTeamChannel(channel, sam);
      expect(await svc.teamChannel()).toEqual(channel);
      const other = await testTables();
      const bare = createEscalationService({ tables: other, notifier, clock, config: cfg, logger });
      expect(await bare.teamChannel()).toBeUndefined(); // an id alone has no serviceUrl: not guessed
      await other.dropAll();
    } finally {
      await fresh.dropAll();
    }
  });
});
