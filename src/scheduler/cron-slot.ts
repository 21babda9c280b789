import cron from 'node-cron';

/**
 * Time-of-day jobs (the nightly purge) are run by leased polling jobs (src/scheduler/leased-job.ts), which take
 * over within seconds when an instance dies and make up a night the bot was down; node-cron says *when* they
 * are due: its pattern matching in a time zone (the matching, not its timer — node-cron 4's timer fires
 * nothing in the repeated autumn hour).
 */
const tasks = new Map<string, ReturnType<typeof cron.createTask>>();

function matcher(pattern: string, timezone: string) {
  const key = `${timezone} ${pattern}`;
  let t = tasks.get(key);
  if (!t) {
    t = cron.createTask(pattern, () => undefined, { timezone });
    tasks.set(key, t);
  }
  return t;
}

/** The latest minute at or before `now` that `pattern` names in `timezone` (looking back up to two days). */
export function lastCronSlot(pattern: string, now: Date, timezone = 'Europe/London'): Date | undefined {
  const t = matcher(pattern, timezone);
  const minute = 60_000;
  let at = Math.floor(now.getTime() / minute) * minute;
  for (let i = 0; i <= 2 * 24 * 60; i++, at -= minute) if (t.match(new Date(at))) return new Date(at);
  return undefined;
}

/** The nightly purge's slot: 03:17 UK time (outside both daylight-saving changes). */
export const NIGHTLY_PURGE = '17 3 * * *';
