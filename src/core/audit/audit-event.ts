import { createHash } from 'node:crypto';
import { InternalError } from '../errors.js';
import { findSecret } from '../secrets/detect.js';

/**
 * The audit trail: what eskeys did to which key, by whom, as a hash chain.
 *
 * Each JSONL line is `{"seq","time","prev","event","hash"}` where `hash = sha256(prev + canonical
 * JSON of {seq, time, event})` and `prev` is the previous line's hash (64 zeros for the first).
 * Editing a line breaks its hash; deleting, inserting or reordering lines breaks `seq` and `prev`.
 * Cutting lines off the end leaves a valid shorter chain: that needs an anchor kept elsewhere
 * (`lastHash`/`entries` from verification, e.g. recorded in a ticket or another system's log).
 */

/** A JSON value an audit event may carry; never a Secret (checked at runtime too). */
export type AuditValue =
  | string
  | number
  | boolean
  | null
  | readonly AuditValue[]
  | { readonly [k: string]: AuditValue };

/** One auditable fact: a key created, verified, published, retired, revoked; a rotation started, failed, ... */
export interface AuditEvent {
  type:
    | 'key.created'
    | 'key.verified'
    | 'key.verify_failed'
    | 'key.published'
    | 'key.retired'
    /** `rotate --strict` left an old key untouched: retiring it would have narrowed it. */
    | 'key.retire_held'
    | 'key.revoked'
    | 'key.invalidated'
    | 'rotation.started'
    | 'rotation.completed'
    | 'rotation.failed'
    | 'rotation.rolled_back'
    | 'rotation.recovered'
    | (string & {});
  template?: string;
  environment?: string;
  /** The API key id (not secret); never the key itself. */
  keyId?: string;
  /** Who acted: the admin username@host. */
  actor: string;
  details?: Record<string, AuditValue>;
}

/** Where audit events go; append before the action it records, so a crash never leaves an unrecorded action. */
export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
}

/** The result of checking an audit chain. */
export interface AuditVerification {
  ok: boolean;
  /** Valid entries before the first problem (all of them when ok). */
  entries: number;
  /** 1-based line of the first problem. */
  brokenAt?: number;
  reason?: string;
  /** Hash of the last valid entry: keep it elsewhere to detect a truncated tail later. */
  lastHash?: string;
}

/** `prev` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Throws InternalError when `value` holds a secret as core/secrets/detect.ts defines it (a Secret
 * anywhere, an unmasked string under a secret-ish field name, a string shaped like an encoded API
 * key). The path is named, the value never.
 */
export function assertNoSecrets(value: unknown): void {
  const found = findSecret(value);
  if (found) {
    throw new InternalError(
      `audit event holds ${found.what} at ${found.path}; audit entries must never contain secrets`,
    );
  }
}

/**
 * JSON with object keys sorted at every level and no whitespace, so the same event always hashes
 * the same. Throws InternalError for anything that is not an AuditValue (undefined members are dropped,
 * as JSON.stringify does).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InternalError(`audit value ${value} is not a finite number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return '[' + value.map((v) => canonicalJson(v === undefined ? null : v)).join(',') + ']';
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return (
      '{' +
      keys
        .map((k) => JSON.stringify(k) + ':' + canonicalJson((value as Record<string, unknown>)[k]))
        .join(',') +
      '}'
    );
  }
  throw new InternalError(
    `audit value of type ${describeType(value)} is not JSON; use strings, numbers, booleans, arrays or plain objects`,
  );
}

function describeType(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Hash of one entry: sha256(prev + canonical JSON of {seq, time, event}). */
export function auditEntryHash(prev: string, seq: number, time: string, event: unknown): string {
  return sha256(prev + canonicalJson({ seq, time, event }));
}

/** The chain position an append continues from. */
export interface AuditChainTip {
  seq: number;
  hash: string;
}

/**
 * The JSONL line (with its newline) for `event` after `tip` (undefined for an empty log), and the
 * new tip. Checks the event for secrets and shape first.
 */
export function nextAuditEntry(
  tip: AuditChainTip | undefined,
  time: Date,
  event: AuditEvent,
): { line: string; tip: AuditChainTip } {
  assertNoSecrets(event);
  if (typeof event.type !== 'string' || event.type === '') throw new InternalError('audit event has no type');
  if (typeof event.actor !== 'string' || event.actor === '')
    throw new InternalError('audit event has no actor');
  const seq = (tip?.seq ?? 0) + 1;
  const prev = tip?.hash ?? GENESIS_HASH;
  const iso = time.toISOString();
  const ev = canonicalJson(event);
  const hash = auditEntryHash(prev, seq, iso, JSON.parse(ev));
  return { line: serializeEntry(seq, iso, prev, ev, hash), tip: { seq, hash } };
}

/** The one byte-exact form of a line, so verification can also reject edits that keep the meaning. */
function serializeEntry(seq: number, time: string, prev: string, eventJson: string, hash: string): string {
  return `{"seq":${seq},"time":${JSON.stringify(time)},"prev":"${prev}","event":${eventJson},"hash":"${hash}"}\n`;
}

/** Reads the tip from the last line of a log; undefined when that line is not a well-formed entry. */
export function parseAuditTip(line: string): AuditChainTip | undefined {
  const entry = parseEntry(line);
  return entry && { seq: entry.seq, hash: entry.hash };
}

interface ParsedEntry {
  seq: number;
  time: string;
  prev: string;
  event: unknown;
  hash: string;
}

function parseEntry(line: string): ParsedEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const e = raw as Record<string, unknown>;
  const hex = /^[0-9a-f]{64}$/;
  if (
    !Number.isSafeInteger(e.seq) ||
    typeof e.time !== 'string' ||
    typeof e.prev !== 'string' ||
    !hex.test(e.prev) ||
    typeof e.hash !== 'string' ||
    !hex.test(e.hash) ||
    typeof e.event !== 'object' ||
    e.event === null
  ) {
    return undefined;
  }
  return { seq: e.seq as number, time: e.time, prev: e.prev, event: e.event, hash: e.hash };
}

/** Checks a whole log text: every line a well-formed entry, seq 1, 2, 3, ..., each prev the previous hash, each hash right. */
export function verifyAuditChain(text: string, from?: AuditChainTip): AuditVerification {
  // `from`: the tip of lines already verified; `text` is checked as their continuation (an
  // incremental reader re-reads only what was appended). Line numbers stay those of the file.
  const base = from?.seq ?? 0;
  if (text === '') return { ok: true, entries: base, ...(from ? { lastHash: from.hash } : {}) };
  const lines = text.split('\n');
  const complete = lines.pop() === '';
  let tip: AuditChainTip | undefined = from;
  const broken = (n: number, reason: string): AuditVerification => ({
    ok: false,
    entries: base + n - 1,
    brokenAt: base + n,
    reason,
    ...(tip ? { lastHash: tip.hash } : {}),
  });
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const entry = parseEntry(lines[i]!);
    if (!entry) return broken(n, 'not a well-formed audit entry');
    const expectedSeq = (tip?.seq ?? 0) + 1;
    if (entry.seq !== expectedSeq) {
      return broken(
        n,
        `seq ${entry.seq} where ${expectedSeq} was expected (a line was deleted, inserted or moved)`,
      );
    }
    if (entry.prev !== (tip?.hash ?? GENESIS_HASH)) {
      return broken(
        n,
        'prev does not match the hash of the line before (a line was deleted, inserted or moved)',
      );
    }
    let eventJson: string;
    try {
      eventJson = canonicalJson(entry.event);
    } catch {
      return broken(n, 'the event is not canonical JSON');
    }
    if (auditEntryHash(entry.prev, entry.seq, entry.time, entry.event) !== entry.hash) {
      return broken(n, 'hash does not match the content (the line was edited)');
    }
    if (serializeEntry(entry.seq, entry.time, entry.prev, eventJson, entry.hash) !== lines[i] + '\n') {
      return broken(n, 'the line is not in canonical form (the line was edited)');
    }
    tip = { seq: entry.seq, hash: entry.hash };
  }
  if (!complete) {
    return broken(lines.length + 1, 'the last line is incomplete (an interrupted write or a truncation)');
  }
  return { ok: true, entries: tip?.seq ?? 0, ...(tip ? { lastHash: tip.hash } : {}) };
}
