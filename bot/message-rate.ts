/**
 * Per-person message rate (messages and card actions in the last minute), kept in this process's memory.
 * Over the limit, the person hears once that they are going too fast; further messages in that minute are
 * dropped without a reply, so a script cannot turn the bot (or a configured model) into a cost amplifier.
 */
export type RateDecision = 'allow' | 'tell' | 'drop';

const WINDOW_MS = 60_000;
const MAX_PEOPLE = 20_000;

export interface MessageRate {
  check(person: string, now: number): RateDecision;
}

export function createMessageRate(perMinute: number): MessageRate {
  const seen = new Map<string, { times: number[]; told: boolean }>();
  return {
    check(person, now) {
      let entry = seen.get(person);
      if (!entry) {
        if (seen.size >= MAX_PEOPLE) {
          // Forget whoever has been quiet for a minute; if everyone is busy, start again (fails open, bounded memory).
          for (const [k, v] of seen) if (!v.times.length || now - v.times[v.times.length - 1] >= WINDOW_MS) seen.delete(k);
          if (seen.size >= MAX_PEOPLE) seen.clear();
        }
        entry = { times: [], told: false };
        seen.set(person, entry);
      }
      while (entry.times.length && now - entry.times[0] >= WINDOW_MS) entry.times.shift();
      if (entry.times.length < perMinute) {
        entry.times.push(now);
        if (entry.times.length < perMinute) entry.told = false;
        return 'allow';
      }
      if (entry.told) return 'drop';
      entry.told = true;
      return 'tell';
    },
  };
}

export const TOO_FAST_LINE =
  'You are sending messages faster than I can answer them, so I have paused for a minute. Please wait a moment and try again. If a child is in immediate danger, call 999.';
