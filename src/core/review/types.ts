import type { ProbeReport } from '../probes/types.js';
import type { KeyView } from '../rotation/key-state.js';

/**
 * The least-privilege review (docs/REVIEW.md): per service identity (template × environment)
 * the access it requires and explicitly does not, the enforcement expected, the evidence
 * collected, findings by severity and a decision. Pure data: the CLI gathers the inputs
 * (templates, audit log, cluster, a live probe run) and renders it as Markdown or JSON.
 */

/** How much a review finding matters. Critical and high require changes; medium is a follow-up. */
export type ReviewSeverity = 'critical' | 'high' | 'medium';

/** The reviewer's verdict. */
export type ReviewDecision = 'approved' | 'approved_with_follow_ups' | 'changes_required';

/** Where a finding comes from. */
export type FindingSource = 'lint' | 'template' | 'probes' | 'audit' | 'cluster' | 'evidence';

/** One finding. */
export interface ReviewFinding {
  readonly severity: ReviewSeverity;
  /** Stable id: `lint/write-includes-delete`, `probes/deny-allowed`, `evidence/none-in-period`, ... */
  readonly code: string;
  readonly source: FindingSource;
  readonly message: string;
  /** What to do about it (becomes a required change or a follow-up). */
  readonly remedy: string;
  /** JSON pointer into the template, for template and lint findings. */
  readonly path?: string;
}

/** A lint finding the template accepts through `lint.ignore`: shown to the reviewer, not counted. */
export interface AcceptedException {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

/** One operation the identity needs (an allow probe). */
export interface RequiredAccess {
  readonly op: string;
  readonly title: string;
  readonly action: string;
  readonly scope: 'cluster' | 'index';
  /** The concrete index the probe aims at, when it names one. */
  readonly index?: string;
  /** The template grants it. */
  readonly granted: boolean;
  /** The template's privileges that grant it. */
  readonly grantedBy: readonly string[];
  /** Index patterns it is granted on (index scope). */
  readonly patterns: readonly string[];
  /** Named privileges that would grant it (for an allow probe the template does not cover). */
  readonly needs: readonly string[];
}

/** One operation the identity must not be able to perform (a deny probe). */
export interface DeniedAccess {
  readonly op: string;
  readonly title: string;
  readonly action: string;
  readonly scope: 'cluster' | 'index';
  readonly index?: string;
  /** Named privileges that would grant the action (`delete`, `write`, `all`, ...). */
  readonly needs: readonly string[];
  /** The template grants it anyway (a contradiction lint reports as an error). */
  readonly granted: boolean;
  readonly grantedBy: readonly string[];
  readonly patterns: readonly string[];
}

/** One privilege the template grants, with the probe-able operations it allows. */
export interface GrantExplanation {
  readonly descriptor: string;
  readonly scope: 'cluster' | 'index';
  readonly privilege: string;
  /** Index patterns (index scope). */
  readonly patterns: readonly string[];
  /** Catalogue operations this privilege allows, and what the template's probes say about each. */
  readonly operations: readonly {
    readonly op: string;
    readonly action: string;
    readonly expectation?: 'allow' | 'deny';
  }[];
  /** At least one operation it allows is an allow probe (or it allows no catalogue operation at all). */
  readonly justified: boolean;
}

/** What is expected to hold for the identity, and what enforces it. */
export interface Enforcement {
  readonly allowProbes: number;
  readonly denyProbes: number;
  readonly rotationEvery: string;
  readonly grace: string;
  readonly reviewEvery: string;
  /** The template's `expiration` as written (`auto`, `none`, `120d`). */
  readonly expiration: string;
  /** Lifetime of a new key in ms; undefined = never expires. */
  readonly keyLifetimeMs?: number;
  /** One sentence per expectation, for the document. */
  readonly statements: readonly string[];
}

/** One audit event used as evidence. */
export interface EvidenceEvent {
  readonly type: string;
  readonly time: Date;
  /** `user@host`: who acted and where. */
  readonly actor: string;
  readonly keyId?: string;
  /** Short human summary of the event's details (never a secret: audit entries hold none). */
  readonly summary: string;
  /** The entry's sequence number in the audit log. */
  readonly seq: number;
}

/** The audit log as evidence for one identity. */
export interface AuditEvidence {
  /** Path of the log, as shown. */
  readonly log: string;
  /** ok: the chain verifies; broken: it does not (only entries before the break are used); missing: no log. */
  readonly status: 'ok' | 'broken' | 'missing';
  readonly entries: number;
  readonly brokenAt?: number;
  readonly brokenReason?: string;
  readonly lastVerified?: EvidenceEvent;
  readonly lastVerifyFailed?: EvidenceEvent;
  readonly lastRotation?: EvidenceEvent;
  readonly lastReview?: EvidenceEvent;
  /** Events of this identity in the audit log (all types). */
  readonly identityEvents: number;
  /** The identity's oldest audit event: a lower bound of when it came under management. */
  readonly firstSeen?: Date;
}

/** A fresh probe run made for the review (`--live`). */
export type LiveEvidence =
  | {
      readonly ran: true;
      readonly report: ProbeReport;
      /** Cluster URL the probes ran against (never carries credentials). */
      readonly clusterUrl: string;
      /** `the key in ELASTICSEARCH_API_KEY (.env)`. */
      readonly keySource: string;
    }
  | {
      readonly ran: false;
      readonly reason: string;
      /** The cluster rejected the deployed key (401): expired, invalidated or not a key at all. */
      readonly keyRejected?: boolean;
    };

/** An operation the learning traffic performed (allowed), as the learn report counts it. */
export interface LearnedOperation {
  readonly action: string;
  /** Index names it touched (none for cluster actions). */
  readonly names: readonly string[];
  /** The REST APIs that sent it (`search`, `bulk`, ...). */
  readonly apis: readonly string[];
  readonly count: number;
}

/** One privilege the template grants, and whether the learning traffic used it. */
export interface LearnedPrivilege {
  readonly descriptor: string;
  readonly scope: 'cluster' | 'index';
  readonly privilege: string;
  readonly patterns: readonly string[];
  /** Some allowed operation of the report is granted by this privilege on these patterns. */
  readonly observed: boolean;
  readonly operations: readonly LearnedOperation[];
}

/** A learn report (`eskeys learn`) as evidence of the access the identity really uses. */
export interface LearnedEvidence {
  /** The report file as shown. */
  readonly file: string;
  /** When the report was written (its file's modification time; the report holds no time). */
  readonly writtenAt?: Date;
  /** Requests observed while learning. */
  readonly requests: number;
  /** Requests refused while learning (the template does not grant them). */
  readonly denied: number;
  /** Requests no action could be resolved for. */
  readonly unmapped: number;
  readonly privileges: readonly LearnedPrivilege[];
}

/** Who owns a key (or who the review connects as): user and realm, as the cluster reports them. */
export interface KeyOwner {
  readonly username: string;
  /** Realm name; absent when unknown (an admin whose `_authenticate` could not be read). */
  readonly realm?: string;
}

/**
 * How a key's live role descriptors (get/query API) compare with the template's: `match`;
 * `differ` (updated outside eskeys, or minted from another version); `none` (no descriptors:
 * the key inherits its owner's privileges — eskeys never mints such a key); `unknown` (the
 * cluster did not return them).
 */
export type LivePrivileges = 'match' | 'differ' | 'none' | 'unknown';

/** A managed key as the review shows it: its status, its owner, and its live privileges. */
export interface ReviewKeyView extends KeyView {
  readonly owner: KeyOwner;
  readonly privileges: LivePrivileges;
  /** `sha256:` of the key's normalized live descriptors (absent when unknown). */
  readonly liveHash?: string;
}

/** What the cluster says about the identity's keys (admin connection). */
export type ClusterState =
  | {
      readonly available: true;
      /** Valid managed keys of the identity (pending, active, superseded), newest first. */
      readonly keys: readonly ReviewKeyView[];
      readonly active?: ReviewKeyView;
      /**
       * The active key was minted from the template as it is now AND still holds exactly its
       * privileges: the recorded template hash matches, and so do its live role descriptors.
       */
      readonly templateMatches?: boolean;
      /** The identity the review connects as (the owner of every key eskeys mints), when known. */
      readonly admin?: KeyOwner;
      /** The Elasticsearch version (`GET /`), when it could be read. */
      readonly version?: string;
    }
  | { readonly available: false; readonly reason: string };

/**
 * When the next review is due, as the scheduler computes its reminder: the review period (the
 * stricter of the template's rotation.review and the active key's recorded one) after the last
 * `review.completed`, or after the identity's first trace (oldest audit event or key creation)
 * when it was never reviewed.
 */
export interface ReviewSchedule {
  readonly reviewEvery: string;
  readonly basis?: 'last_review' | 'first_trace';
  readonly lastReviewAt?: Date;
  readonly dueAt?: Date;
  readonly due: boolean;
}

/** The review of one service identity. */
export interface IdentityReview {
  readonly template: string;
  readonly description: string;
  readonly file: string;
  readonly environment: string;
  readonly envFiles: readonly string[];
  readonly keyVar: string;
  readonly idVar?: string;
  /** `sha256:...` of the role descriptors, as recorded on keys minted from this template. */
  readonly templateHash: string;
  readonly required: readonly RequiredAccess[];
  readonly notRequired: readonly DeniedAccess[];
  readonly grants: readonly GrantExplanation[];
  readonly enforcement: Enforcement;
  readonly audit: AuditEvidence;
  readonly live?: LiveEvidence;
  /** The learn report used as evidence of required access, when one was given or found. */
  readonly learned?: LearnedEvidence;
  readonly cluster: ClusterState;
  readonly schedule: ReviewSchedule;
  readonly findings: readonly ReviewFinding[];
  readonly accepted: readonly AcceptedException[];
  readonly decision: ReviewDecision;
  /** Remedies of the critical and high findings. */
  readonly requiredChanges: readonly string[];
  /** Remedies of the medium findings, and CI jobs when evidence is missing. */
  readonly followUps: readonly string[];
}

/** Findings counted by severity. */
export type SeverityCounts = Readonly<Record<ReviewSeverity, number>>;

/** The whole review document. */
export interface ReviewDocument {
  readonly generatedAt: Date;
  readonly environment: string;
  /** Who generated it (`user@host`). */
  readonly generatedBy: string;
  /** The reviewer who signed it off (`--sign-off NAME`), if any. */
  readonly signedOffBy?: string;
  readonly identities: readonly IdentityReview[];
  readonly decision: ReviewDecision;
  readonly counts: SeverityCounts;
}
