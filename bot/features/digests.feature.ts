import { digestRenderer } from '../../cards/digest-renderer';
import { createDigestService, type DigestService } from '../../src/digests/digest.service';
import type { FeatureFactory } from '../deps';
import { receiveAttachment } from './digests/digest-attachment.handler';
import { openCreateCard, submitCreate } from './digests/digest-create.handler';
import { showPreviewCommand, submitPreviewAction } from './digests/digest-preview.handler';
import { digestUsage, showReports } from './digests/digest-report.handler';
import { createDigestScheduler, type DigestScheduler } from './digests/digest.scheduler';
import { newsletterIngester } from './digests/newsletter-ingest';
import { changeSubscription, submitSubscription } from './digests/subscription.handler';

/** What other features and tests reach through `deps.features.digests`. */
export interface DigestsFeature {
  service: DigestService;
  scheduler: DigestScheduler;
}

/**
 * Newsletter digests: people and team channels subscribe themselves; admins paste or attach a newsletter,
 * preview exactly the subscribers' card, then send now or schedule (UK time) and watch the card turn into
 * progress and the delivery report. Delivery goes through the process's shared outbox engine.
 */
export const digestsFeature: FeatureFactory = (deps) => {
  const service = createDigestService({
    tables: deps.tables,
    engine: deps.delivery,
    notifier: deps.notifier,
    clock: deps.clock,
    config: deps.config,
    logger: deps.logger,
    conversations: {
      lookup: (kind, key) => deps.conversations.target(kind, key),
      async remember(kind, key, target) {
        if (kind !== 'user') return;
        await deps.conversations.upsert({ kind: 'user', key, conversationId: target.conversationId, serviceUrl: target.serviceUrl, tenantId: target.tenantId, channelId: target.channelId ?? 'msteams', userId: target.userId });
      },
    },
    render: digestRenderer,
    onPublished: newsletterIngester(deps),
  });
  const scheduler = createDigestScheduler(service, deps.logger);
  deps.features.digests = { service, scheduler } satisfies DigestsFeature;
  const preview = (ctx: Parameters<typeof submitPreviewAction>[0], d: Parameters<typeof submitPreviewAction>[1], data: Record<string, unknown>) =>
    submitPreviewAction(ctx, d, service, data);

  return {
    name: 'digests',
    commands: [
      { name: 'subscribe', pattern: /^subscribe(?:\s+(?:me|this channel))?$/i, run: (ctx, d) => changeSubscription(ctx, d, service, 'subscribe') },
      { name: 'unsubscribe', pattern: /^unsubscribe(?:\s+(?:me|this channel))?$/i, run: (ctx, d) => changeSubscription(ctx, d, service, 'unsubscribe') },
      { name: 'my subscriptions', pattern: /^(?:my\s+)?subscriptions?$/i, run: (ctx, d) => changeSubscription(ctx, d, service, 'show') },
      { name: 'digest new', pattern: /^(?:digest|newsletter)\s+new$/i, run: (ctx, d) => openCreateCard(ctx, d) },
      { name: 'digest report', pattern: /^digests?\s+reports?$/i, run: (ctx, d) => showReports(ctx, d, service) },
      { name: 'digest preview', pattern: /^digest\s+preview\s+\S+$/i, run: (ctx, d, args) => showPreviewCommand(ctx, d, service, args) },
      { name: 'digest', pattern: /^digests?$/i, run: (ctx, d) => digestUsage(ctx, d) },
      // Never matches typed text: the `unsubscribe` intent (everyday words) runs it by name, to confirm first.
      { name: 'unsubscribe asked', pattern: /(?!)/, run: (ctx, d) => changeSubscription(ctx, d, service, 'confirm') },
      // Never matches typed text: bot/app.ts runs it by name for a message that is only an attachment.
      { name: 'attachment', pattern: /(?!)/, run: (ctx, d) => receiveAttachment(ctx, d, service) },
    ],
    submits: [
      { verb: 'subscribe', run: (ctx, d, data) => submitSubscription(ctx, d, service, data) },
      { verb: 'unsubscribe', run: (ctx, d, data) => submitSubscription(ctx, d, service, data) },
      { verb: 'digestNew', run: (ctx, d) => openCreateCard(ctx, d) },
      { verb: 'digestCreate', run: (ctx, d, data) => submitCreate(ctx, d, service, data) },
      { verb: 'digestSend', run: preview },
      { verb: 'digestSchedule', run: preview },
      { verb: 'digestCancel', run: preview },
      { verb: 'digestReport', run: preview },
      { verb: 'digestRetry', run: preview },
    ],
    intents: { subscribe: 'subscribe', unsubscribe: 'unsubscribe asked', 'my-subscriptions': 'my subscriptions' },
    start: () => scheduler.start(),
    async stop() {
      await scheduler.stop();
      service.stop();
      await service.whenIdle();
    },
  };
};
