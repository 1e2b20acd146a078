import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import {
  type AuditChainTip,
  type AuditEvent,
  type AuditLog,
  type AuditVerification,
  nextAuditEntry,
  parseAuditTip,
  verifyAuditChain,
} from '../../core/audit/audit-event.js';
import { ConfigError, EskeysError, LockedError } from '../../core/errors.js';
import type { Clock } from '../../core/ports.js';
import { syncFolder } from '../fs/atomic-write.js';
import { acquireRotationLock, type RotationLock } from '../lock/file-lock.js';

/**
 * The audit log as a hash-chained JSONL file (format in src/core/audit/audit-event.ts).
 *
 * Each append takes a short cross-process lock (the scheduler and an operator's CLI may append at
 * once, and two appends computing the same next seq would fork the chain), reads the tip from the
 * last line, and writes the new line with O_APPEND in one write followed by fsync: the entry is on
 * disk before append() resolves, which is what lets callers log an action before doing it.
 */
export class JsonlAuditLog implements AuditLog {
  readonly #path: string;
  readonly #clock: Clock;
  /** Events waiting for the next write, with the callers awaiting them. */
  #pending: { event: AuditEvent; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #draining = false;
  #dirReady = false;

  constructor(path: string, clock: Clock) {
    this.#path = path;
    this.#clock = clock;
  }

  /**
   * Appends one event (checked for secrets first), durably, after the current last entry.
   * Events appended while a write is in flight are written together by the next one (group
   * commit: one lock, one tip read, one write, one fsync), which is what keeps a fleet of
   * concurrent rotations from queueing behind the disk; each caller still resolves only once
   * its own line is on disk.
   */
  append(event: AuditEvent): Promise<void> {
    try {
      // Reject a bad event (secrets, no type or actor, not JSON) before the file is even
      // created, and before it could share a batch with good ones.
      nextAuditEntry(undefined, new Date(0), event);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.#pending.push({ event, resolve, reject });
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0);
        try {
          await this.#write(batch.map((b) => b.event));
          for (const b of batch) b.resolve();
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  async #write(events: readonly AuditEvent[]): Promise<void> {
    const path = this.#path;
    const dir = dirname(path);
    if (!this.#dirReady) {
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
      } catch (cause) {
        throw new ConfigError(`cannot create the folder of audit log ${path}: ${errCode(cause)}`, { cause });
      }
      this.#dirReady = true;
    }
    const lock = await lockWithRetry(dir, `audit-${basename(path)}`);
    try {
      let fh: FileHandle;
      try {
        fh = await open(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
      } catch (cause) {
        throw new ConfigError(`cannot open audit log ${path}: ${errCode(cause)}`, { cause });
      }
      try {
        const first = await readTip(fh, path);
        // Build (and secret-check) every line before touching the file.
        let tip = first;
        let text = '';
        for (const event of events) {
          const next = nextAuditEntry(tip, this.#clock.now(), event);
          text += next.line;
          tip = next.tip;
        }
        try {
          const bytes = Buffer.from(text, 'utf8');
          for (let off = 0; off < bytes.length; ) {
            off += (await fh.write(bytes, off, bytes.length - off, null)).bytesWritten;
          }
          await fh.sync();
        } catch (cause) {
          throw new ConfigError(`cannot write audit log ${path}: ${errCode(cause)}`, { cause });
        }
        // A new file's directory entry is only durable once the folder itself is synced.
        if (first === undefined) await syncFolder(dir);
      } finally {
        await fh.close();
      }
    } finally {
      await lock.release();
    }
  }

  /** Checks the whole chain of the log at `path`; a missing file is not ok (nothing proves nothing happened). */
  static async verify(path: string): Promise<AuditVerification> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
        return { ok: false, entries: 0, reason: `no audit log at ${path}` };
      }
      throw new ConfigError(`cannot read audit log ${path}: ${errCode(cause)}`, { cause });
    }
    return verifyAuditChain(text);
  }
}

/** The tip from the last line; undefined for an empty file. Refuses to extend a log whose end is broken. */
async function readTip(fh: FileHandle, path: string): Promise<AuditChainTip | undefined> {
  const { size } = await fh.stat();
  if (size === 0) return undefined;
  // Read backwards in growing chunks until the last line is whole (lines are small; usually one read).
  let chunk = 4096;
  for (;;) {
    const start = Math.max(0, size - chunk);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    if (!text.endsWith('\n')) {
      throw new ConfigError(
        `audit log ${path} ends with an incomplete line (an interrupted write); check it with \`eskeys audit verify\` before more events are added`,
      );
    }
    const cut = text.lastIndexOf('\n', text.length - 2);
    if (cut >= 0 || start === 0) {
      const tip = parseAuditTip(text.slice(cut + 1, -1));
      if (!tip) {
        throw new ConfigError(
          `audit log ${path} ends with a line that is not an audit entry; check it with \`eskeys audit verify\``,
        );
      }
      return tip;
    }
    chunk *= 4;
  }
}

/** Appends are short, so a held audit lock is waited for (up to ~10 s) rather than reported. */
async function lockWithRetry(dir: string, name: string): Promise<RotationLock> {
  let delay = 5;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await acquireRotationLock(dir, name, { staleMs: 30_000 });
    } catch (error) {
      if (!(error instanceof LockedError) || Date.now() > deadline) {
        if (error instanceof EskeysError) throw error;
        throw new ConfigError(`cannot lock audit log in ${dir}: ${errCode(error)}`, { cause: error });
      }
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 200);
    }
  }
}

function errCode(cause: unknown): string {
  return (cause as NodeJS.ErrnoException)?.code ?? String(cause);
}
