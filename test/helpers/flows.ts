import { randomUUID } from 'node:crypto';
import type { ConnectorSimulator, WatchedActivity } from '../bench/connector-simulator';
import { actionsWithVerb, cardOf, type TeamsClient, type TeamsUser } from './teams-client';

/** Polls `predicate` until it holds; throws `what` after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Runs `fn` over `items`, `concurrency` at a time. */
export async function inParallel<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i], i);
    }),
  );
}

const watchedIn = (sim: ConnectorSimulator, conversationId: string): WatchedActivity[] => sim.watched.filter((a) => a.conversationId === conversationId);

/** The latest card the bot sent or put into a watched conversation that has an action with `verb`. */
async function latestWithVerb(sim: ConnectorSimulator, conversationId: string, verb: string, after: number, timeoutMs = 20_000): Promise<{ activity: WatchedActivity; data: Record<string, any> }> {
  let found: { activity: WatchedActivity; data: Record<string, any> } | undefined;
  await waitUntil(
    () => {
      for (const a of watchedIn(sim, conversationId).slice(after).reverse()) {
        const action = actionsWithVerb(cardOf(a.body), verb)[0];
        if (action) {
          found = { activity: a, data: action.data };
          return true;
        }
      }
      return false;
    },
    timeoutMs,
    `a card with "${verb}" in ${conversationId}`,
  );
  return found!;
}

/** Every user types `subscribe` in their 1:1 chat (the bot stores where to reach them). */
export async function subscribeAll(client: TeamsClient, botUrl: string, users: TeamsUser[], concurrency = 8): Promise<void> {
  await inParallel(users, concurrency, async (u) => {
    const status = await client.say(botUrl, u, 'subscribe');
    if (status !== 200) throw new Error(`subscribe answered ${status}`);
  });
}

/**
 * The admin's way to publish, over HTTP: `digest new`, paste the newsletter and preview it, press Send now.
 * Returns the digest id and the id of the admin's card that turns into progress and the report.
 */
export async function adminSendsDigest(client: TeamsClient, botUrl: string, sim: ConnectorSimulator, admin: TeamsUser, content: string): Promise<{ digestId: string; cardId: string }> {
  sim.watch(admin.conversationId);
  const mark = watchedIn(sim, admin.conversationId).length;
  await client.say(botUrl, admin, 'digest new');
  const form = await latestWithVerb(sim, admin.conversationId, 'digestCreate', mark);
  const cardId = form.activity.id;
  await client.submit(botUrl, admin, { verb: 'digestCreate', requestId: form.data.requestId, content, format: 'markdown', title: '', published: '', url: '' }, cardId);
  const preview = await latestWithVerb(sim, admin.conversationId, 'digestSend', mark);
  const digestId = preview.data.digestId as string;
  await client.submit(botUrl, admin, { verb: 'digestSend', digestId }, cardId);
  return { digestId, cardId };
}

/** The admin presses "Retry the N not delivered" on the report card. */
export async function adminRetries(client: TeamsClient, botUrl: string, admin: TeamsUser, digestId: string, cardId: string): Promise<void> {
  await client.submit(botUrl, admin, { verb: 'digestRetry', digestId }, cardId);
}

/** The last version of a watched card (POSTed, then PUT in place), as the admin sees it now. */
export function currentCard(sim: ConnectorSimulator, conversationId: string, cardId: string): any {
  const versions = watchedIn(sim, conversationId).filter((a) => a.id === cardId);
  return cardOf(versions[versions.length - 1]?.body);
}

export interface OnlineSessionInput {
  /** London date and times, as typed on the form. */
  date: string;
  startTime: string;
  endTime: string;
  capacity: number;
  joinUrl: string;
}

/**
 * A trainer publishes an online session over HTTP (`training new`, fill the form, Publish); a practitioner then
 * lists sessions to find its id (the id is on the Book buttons). Returns the session id.
 */
export async function trainerPublishesSession(client: TeamsClient, botUrl: string, sim: ConnectorSimulator, trainer: TeamsUser, looker: TeamsUser, input: OnlineSessionInput): Promise<string> {
  sim.watch(trainer.conversationId);
  sim.watch(looker.conversationId);
  const mark = watchedIn(sim, trainer.conversationId).length;
  await client.say(botUrl, trainer, 'training new');
  const form = await latestWithVerb(sim, trainer.conversationId, 'trainingSave', mark);
  const courseSet = findInput(cardOf(form.activity.body), 'courseId');
  const courseId = courseSet?.choices?.[0]?.value as string;
  await client.submit(
    botUrl,
    trainer,
    { verb: 'trainingSave', requestId: form.data.requestId, courseId, date: input.date, startTime: input.startTime, endTime: input.endTime, mode: 'online', joinUrl: input.joinUrl, capacity: String(input.capacity), trainerName: 'Tina Trainer' },
    form.activity.id,
  );
  await waitUntil(() => JSON.stringify(watchedIn(sim, trainer.conversationId).slice(mark)).includes('Session published'), 20_000, 'the session to be published');
  const lookMark = watchedIn(sim, looker.conversationId).length;
  await client.say(botUrl, looker, 'training');
  const list = await latestWithVerb(sim, looker.conversationId, 'trainingBook', lookMark);
  const books = actionsWithVerb(cardOf(list.activity.body), 'trainingBook').map((a) => a.data.sessionId as string);
  return books[books.length - 1];
}

function findInput(card: any, id: string): any {
  let found: any;
  const walk = (n: any) => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (n.id === id && typeof n.type === 'string' && n.type.startsWith('Input.')) found = n;
    for (const v of Object.values(n)) walk(v);
  };
  walk(card);
  return found;
}

/** A practitioner books (or cancels) a place with the card's button (the Action.Submit fallback). */
export function book(client: TeamsClient, botUrl: string, user: TeamsUser, sessionId: string): Promise<number> {
  return client.submit(botUrl, user, { verb: 'trainingBook', sessionId, view: 'list' });
}
export function cancelBooking(client: TeamsClient, botUrl: string, user: TeamsUser, sessionId: string): Promise<number> {
  return client.submit(botUrl, user, { verb: 'trainingCancelBooking', sessionId, view: 'list' });
}

/** A realistic newsletter (12 stories) for digests. */
export function newsletter(title = `CSCP Newsletter ${randomUUID().slice(0, 6)}`): string {
  const stories = Array.from(
    { length: 12 },
    (_, i) => `## Story ${i + 1}: updated multi-agency guidance\n\nThe partnership has refreshed its procedures for practitioners. Read the changes before your next supervision. [More](https://www.coventry.gov.uk/cscp/${i})`,
  ).join('\n\n');
  return `# ${title}\n\nWelcome to this edition.\n\n${stories}`;
}
