import { open } from 'node:fs/promises';
import { type AuditChainTip, verifyAuditChain } from '../../core/audit/audit-event.js';
import type { AuditRecord } from '../../core/scheduler/review.js';

/** What the reader reports when the chain does not verify (once per break). */
export type AuditBreakWarning = (v: { brokenAt: number; reason: string; entries: number }) => void;

/**
 * Reads the audit log's records for the scheduler, incrementally: each call reads only the
 * bytes appended since the last one and verifies them as a continuation of the chain already
 * verified. A pass reads the log once at its start and again under each scope's lock (a
 * concurrent pass may have recorded a reminder meanwhile); re-reading and re-hashing the whole
 * log every time made a 1,000-template pass quadratic.
 *
 * Only the verified prefix is trusted: after a break (the warning says where) later lines come
 * back marked unverified, good only for not repeating a reminder every pass. A last line without its newline is a write in progress: left for the next call.
 * A log that shrank (replaced, truncated) is read again from the start.
 */
export class AuditRecordReader {
  #offset = 0;
  #tip: AuditChainTip | undefined;
  #records: AuditRecord[] = [];
  #broken = false;

  constructor(
    private readonly path: string,
    private readonly onBreak: AuditBreakWarning,
  ) {}

  /**
   * Every record so far (the same array grows; callers must not mutate it): the verified ones,
   * then, after a break in the chain, the later lines marked `verified: false`.
   */
  async read(): Promise<readonly AuditRecord[]> {
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.#records;
      throw error;
    }
    try {
      const { size } = await fh.stat();
      if (size < this.#offset) this.#reset();
      if (size === this.#offset) return this.#records;
      const bytes = Buffer.alloc(size - this.#offset);
      const { bytesRead } = await fh.read(bytes, 0, bytes.length, this.#offset);
      const end = bytes.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
      if (end === 0) return this.#records;
      const text = bytes.subarray(0, end).toString('utf8');
      const lines = text.split('\n').slice(0, -1);
      this.#offset += end;
      if (this.#broken) {
        // Past a break nothing verifies; these lines may only de-duplicate reminders (see AuditRecord).
        for (const line of lines) this.#pushUnverified(line);
        return this.#records;
      }
      const v = verifyAuditChain(text, this.#tip);
      const verified = v.entries - (this.#tip?.seq ?? 0);
      for (const line of lines.slice(0, verified)) {
        const record = toRecord(line);
        if (record) this.#records.push(record);
      }
      if (v.ok) {
        this.#tip = v.lastHash ? { seq: v.entries, hash: v.lastHash } : this.#tip;
      } else {
        this.#broken = true;
        this.onBreak({ brokenAt: v.brokenAt!, reason: v.reason!, entries: v.entries });
        for (const line of lines.slice(verified)) this.#pushUnverified(line);
      }
      return this.#records;
    } finally {
      await fh.close();
    }
  }

  #pushUnverified(line: string): void {
    const record = toRecord(line);
    if (record) this.#records.push({ ...record, verified: false });
  }

  #reset(): void {
    this.#offset = 0;
    this.#tip = undefined;
    this.#records = [];
    this.#broken = false;
  }
}

function toRecord(line: string): AuditRecord | undefined {
  try {
    const e = JSON.parse(line) as { time?: unknown; event?: Record<string, unknown> };
    const time = new Date(String(e.time));
    const details = e.event?.details as { decision?: unknown } | undefined;
    if (!e.event || typeof e.event.type !== 'string' || Number.isNaN(time.getTime())) return undefined;
    return {
      time,
      type: e.event.type,
      template: typeof e.event.template === 'string' ? e.event.template : undefined,
      environment: typeof e.event.environment === 'string' ? e.event.environment : undefined,
      ...(typeof details?.decision === 'string' ? { decision: details.decision } : {}),
    };
  } catch {
    return undefined; // verified lines always parse
  }
}
