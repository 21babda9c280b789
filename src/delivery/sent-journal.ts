import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger';

/** Identifies one outbox row as enqueued: its keys plus when it was written (a key reused later is another row). */
export interface JournalRow {
  partitionKey: string;
  rowKey: string;
  enqueuedAt: string;
}

/**
 * Journal files not written for this long are deleted (at start and by the nightly purge): a claim is taken over
 * within seconds and an outage lasts minutes. Each process starts a new file every UTC day, so a line is kept
 * about three days at most.
 */
export const JOURNAL_KEEP_MS = 2 * 24 * 3600_000;
const RETRY_AFTER_ERROR_MS = 30_000;
const WARN_EVERY_MS = 10 * 60_000;

/**
 * An append-only record of the messages Teams accepted, written by a synchronous `write()` the moment the
 * connector's answer arrives — before the outbox row's "sent" write to Table storage, which takes milliseconds.
 *
 * Why: a process killed after Teams accepted a message but before that Table write leaves the row claimed,
 * and whoever takes the row over would send the message again (Teams has no idempotency key). A line written
 * here survives the process (`kill -9` does not lose what was handed to the kernel), so whoever takes the row
 * over reads it and records the row as sent instead of sending again. The window left is the connector's
 * answer travelling back.
 *
 * Where it lives decides who can read it: on a folder every instance sees (App Service's `/home` is one share
 * for all instances of an app), any instance that takes over reads it; on a machine's own disk, only a process
 * restarted on that machine does. Each process writes its own file, a new one each UTC day; files are read
 * incrementally. Lines hold the outbox row's keys (job and recipient ids), when it was enqueued, and Teams'
 * activity id: nothing a message said.
 */
export class SentJournal {
  private fd: number | undefined;
  private fdName = '';
  private readonly offsets = new Map<string, number>();
  private readonly sent = new Map<string, { activityId?: string; at: string }>();
  private failedAt = -Infinity;
  private warnedAt = -Infinity;

  constructor(
    private readonly dir: string,
    private readonly workerId: string,
    private readonly logger: Logger,
  ) {}

  private fileFor(at: Date): string {
    return `${this.workerId.replace(/[^A-Za-z0-9._-]/g, '_')}.${at.toISOString().slice(0, 10)}.jsonl`;
  }

  /** Notes that Teams accepted the row's message. Synchronous on purpose: nothing else runs before it lands. */
  record(row: JournalRow, activityId: string | undefined, at: Date): void {
    // After a failed write, delivery goes on without the journal for a while, then tries again.
    if (Date.now() - this.failedAt < RETRY_AFTER_ERROR_MS) return;
    try {
      const name = this.fileFor(at);
      // A new day, or our file was deleted under us (a prune, an operator): write to a file others can read.
      if (this.fd !== undefined && (name !== this.fdName || fstatSync(this.fd).nlink === 0)) this.close();
      if (this.fd === undefined) {
        mkdirSync(this.dir, { recursive: true });
        this.fd = openSync(join(this.dir, name), 'a');
        this.fdName = name;
      }
      writeSync(this.fd, `${JSON.stringify([row.partitionKey, row.rowKey, row.enqueuedAt, activityId ?? '', at.toISOString()])}\n`);
    } catch (e) {
      this.failedAt = Date.now();
      this.close();
      if (Date.now() - this.warnedAt > WARN_EVERY_MS) {
        this.warnedAt = Date.now();
        this.logger.warn({ dir: this.dir, err: (e as NodeJS.ErrnoException).code ?? (e as Error).name }, 'delivery journal cannot be written (tried again in 30 s): a crash right after a send may repeat that message');
      }
    }
  }

  /** Reads what was appended to any process's file since the last look. */
  refresh(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.jsonl'));
    } catch {
      return; // no journal yet
    }
    for (const name of names) {
      const path = join(this.dir, name);
      try {
        const size = statSync(path).size;
        const from = this.offsets.get(name) ?? 0;
        if (size <= from) continue;
        const buf = Buffer.alloc(size - from);
        const fd = openSync(path, 'r');
        let got = 0;
        try {
          while (got < buf.length) {
            const n = readSync(fd, buf, got, buf.length - got, from + got);
            if (n <= 0) break;
            got += n;
          }
        } finally {
          closeSync(fd);
        }
        // Only whole lines (a line still being written is read next time), cut on bytes, not characters.
        const end = buf.subarray(0, got).lastIndexOf(0x0a);
        if (end < 0) continue;
        for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
          try {
            const [pk, rk, enqueuedAt, activityId, at] = JSON.parse(line) as string[];
            this.sent.set(`${pk}\n${rk}\n${enqueuedAt}`, { activityId: activityId || undefined, at });
          } catch {
            // a torn line (a crash mid-write on a network share): skip it
          }
        }
        this.offsets.set(name, from + end + 1);
      } catch {
        // removed meanwhile, or unreadable: the outbox still decides
      }
    }
  }

  /** Whether some process noted this row (as enqueued then) accepted by Teams; call `refresh` first. */
  lookup(row: JournalRow): { activityId?: string; at: string } | undefined {
    return this.sent.get(`${row.partitionKey}\n${row.rowKey}\n${row.enqueuedAt}`);
  }

  /** Forgets what was read for a job that has finished (its rows are all recorded in storage). */
  forget(partitionKey: string): void {
    const prefix = `${partitionKey}\n`;
    for (const k of this.sent.keys()) if (k.startsWith(prefix)) this.sent.delete(k);
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already gone
      }
    }
    this.fd = undefined;
    this.fdName = '';
  }
}

/**
 * Deletes journal files not written for `maxAgeMs`, in `root` and its folders one level down (one per table
 * prefix), and folders left empty. A claim is taken over within seconds and a storage outage lasts minutes, so a
 * file this old has long been reflected in the outbox; a live process whose file is removed opens a new one at its
 * next send. Returns how many files were removed.
 */
export function pruneJournals(root: string, maxAgeMs: number, nowMs: number): number {
  let removed = 0;
  const sweep = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        const st = statSync(path);
        if (st.isDirectory() && depth === 0) {
          sweep(path, 1);
          if (readdirSync(path).length === 0) rmdirSync(path);
        } else if (st.isFile() && name.endsWith('.jsonl') && nowMs - st.mtimeMs > maxAgeMs) {
          unlinkSync(path);
          removed += 1;
        }
      } catch {
        // another instance pruned it first, or a file was added meanwhile
      }
    }
  };
  sweep(root, 0);
  return removed;
}
