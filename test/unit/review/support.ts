import { readFileSync } from 'node:fs';
import {
  type AuditChainTip,
  type AuditEvent,
  nextAuditEntry,
  verifyAuditChain,
} from '../../../src/core/audit/audit-event.js';
import type { LearnReport } from '../../../src/core/learn/report.js';
import { lintTemplate } from '../../../src/core/lint/lint.js';
import type { ProbeReport, ProbeResult } from '../../../src/core/probes/types.js';
import { type IdentityReviewInput, reviewIdentity } from '../../../src/core/review/build-review.js';
import { type AuditLogInput, parseAuditRecords } from '../../../src/core/review/evidence.js';
import type { LiveEvidence } from '../../../src/core/review/types.js';
import { type ManagedKey, parseManagedKey } from '../../../src/core/rotation/key-metadata.js';
import { templateHash } from '../../../src/core/rotation/template-hash.js';
import { parseTemplate } from '../../../src/core/templates/load-template.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';

export const DAY = 86_400_000;
export const NOW = new Date('2026-06-01T00:00:00Z');
const ROOT = new URL('../../../', import.meta.url).pathname;

/** A template shipped in the repo (or a fixture), validated. */
export function repoTemplate(file: string): RoleTemplate {
  return parseTemplate(readFileSync(ROOT + file, 'utf8'), file).template;
}

/** A template from a literal (schema defaults applied). */
export function template(input: Record<string, unknown>): RoleTemplate {
  return RoleTemplateSchema.parse(input);
}

/** An audit log text with a valid hash chain, built from events at the given times. */
export function auditLog(events: readonly { at: Date; event: AuditEvent }[]): AuditLogInput {
  let tip: AuditChainTip | undefined;
  let text = '';
  for (const e of events) {
    const next = nextAuditEntry(tip, e.at, e.event);
    text += next.line;
    tip = next.tip;
  }
  return { log: '.eskeys/audit.jsonl', verification: verifyAuditChain(text), text };
}

/** No audit log at all. */
export const NO_AUDIT: AuditLogInput = {
  log: '.eskeys/audit.jsonl',
  verification: { ok: false, entries: 0, reason: 'no audit log' },
};

/** A managed key of `t` in `env` as the cluster reports it. */
export function managedKey(
  t: RoleTemplate,
  env: string,
  opts: {
    id?: string;
    generation?: number;
    state?: 'active' | 'pending' | 'superseded';
    ageMs?: number;
    hash?: string;
    revokeAfter?: Date;
    reviewEvery?: string;
    /** Live role descriptors; default: the template's, as the cluster renders them; null: not returned. */
    roleDescriptors?: Record<string, unknown> | null;
    username?: string;
    realm?: string;
    name?: string;
  } = {},
): ManagedKey {
  const generation = opts.generation ?? 1;
  return parseManagedKey({
    id: opts.id ?? `key-${generation}-abcdefghijkl`,
    name: opts.name ?? `${t.name}@${env}#${generation}`,
    creation: new Date(NOW.getTime() - (opts.ageMs ?? 5 * DAY)),
    expiration: new Date(NOW.getTime() + 60 * DAY),
    invalidated: false,
    username: opts.username ?? 'eskeys-admin',
    realm: opts.realm ?? 'native1',
    ...(opts.roleDescriptors === null
      ? {}
      : { roleDescriptors: (opts.roleDescriptors ?? asClusterRenders(t.role_descriptors)) as never }),
    metadata: {
      managed_by: 'eskeys',
      template: t.name,
      environment: env,
      generation,
      state: opts.state ?? 'active',
      template_hash: opts.hash ?? templateHash(t.role_descriptors),
      rotate_every: t.rotation.every,
      grace: t.rotation.grace,
      review_every: opts.reviewEvery ?? t.rotation.review,
      created_by: 'ops@build-1',
      ...(opts.revokeAfter ? { revoke_after: opts.revokeAfter.toISOString() } : {}),
    },
  })!;
}

/** Descriptors as the get/query API returns them: defaults filled in, DLS queries as strings. */
export function asClusterRenders(rd: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(rd as Record<string, Record<string, unknown>>)) {
    out[name] = {
      cluster: d.cluster ?? [],
      indices: ((d.indices as Record<string, unknown>[] | undefined) ?? []).map((i) => ({
        ...i,
        allow_restricted_indices: i.allow_restricted_indices ?? false,
        ...(i.query !== undefined && typeof i.query !== 'string' ? { query: JSON.stringify(i.query) } : {}),
      })),
      applications: d.applications ?? [],
      run_as: d.run_as ?? [],
      metadata: d.metadata ?? {},
      transient_metadata: { enabled: true },
    };
  }
  return out;
}

/** A probe result. */
export function result(
  op: string,
  expected: 'allow' | 'deny',
  verdict: ProbeResult['verdict'],
  extra: Partial<ProbeResult> = {},
): ProbeResult {
  return {
    op,
    action: `action-of-${op}`,
    expected,
    mode: 'live',
    got: verdict === 'pass' ? (expected === 'allow' ? '200' : '403 security_exception') : '200',
    verdict,
    durationMs: 1,
    ...extra,
  };
}

/** A live run with these results against the key `keyId`. */
export function live(
  results: readonly ProbeResult[],
  keyId = 'key-1-abcdefghijkl',
  extra: Partial<ProbeReport> = {},
): LiveEvidence {
  return {
    ran: true,
    clusterUrl: 'https://es.example:9200',
    keySource: 'the key in ELASTICSEARCH_API_KEY (.env)',
    report: {
      template: 't',
      environment: 'prod',
      keyId,
      startedAt: NOW,
      results,
      passed: results.every((r) => r.verdict === 'pass'),
      requests: results.length,
      access: 'key-only',
      ...extra,
    },
  };
}

/** The review of `t` in prod with sensible defaults (recent verification, no cluster). */
export function review(t: RoleTemplate, overrides: Partial<IdentityReviewInput> = {}) {
  const audit = overrides.audit ?? NO_AUDIT;
  return reviewIdentity({
    template: t,
    file: `roles/${t.name}.json`,
    environment: 'prod',
    outputs: { envFiles: ['.env'], keyVar: 'ELASTICSEARCH_API_KEY' },
    lint: lintTemplate(t, `roles/${t.name}.json`),
    audit,
    records: parseAuditRecords(audit),
    cluster: { available: false, reason: 'not asked (--offline)' },
    now: NOW,
    ...overrides,
  });
}

/** A verification of `t` in prod recorded `ageMs` ago. */
export function verifiedAgo(t: RoleTemplate, ageMs: number, env = 'prod'): { at: Date; event: AuditEvent } {
  return {
    at: new Date(NOW.getTime() - ageMs),
    event: {
      type: 'key.verified',
      template: t.name,
      environment: env,
      keyId: 'key-1-abcdefghijkl',
      actor: 'ops@build-1',
      details: { rotation: 'r1', name: `${t.name}@${env}#1`, probes: 20 },
    },
  };
}

/** What `eskeys learn` wrote after an application that only searched mail-2026-05. */
export const SEARCHES_ONLY: LearnReport = {
  template: 'mail-app',
  requests: 12,
  observed: [
    {
      // Elasticsearch's search action name (SearchAction.NAME).
      action: 'indices:data/read/search',
      scope: 'index',
      names: ['mail-2026-05'],
      patterns: ['mail-*'],
      apis: ['search'],
      count: 12,
      privilege: 'read',
      why: 'read is the narrowest named privilege that grants indices:data/read/search',
    },
  ],
  denied: [],
  inconclusive: [],
  unmapped: [],
  incomplete_bodies: 0,
  probes: { allow: ['search'], deny: ['doc.delete'] },
};
