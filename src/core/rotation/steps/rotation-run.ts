import type { AuditValue } from '../../audit/audit-event.js';
import type { ClusterPort } from '../../cluster-port.js';
import type { JournalData, JournalPhase, JournalStep, JournalWriter } from '../../journal/journal-entry.js';
import type { Clock, Random, Reporter } from '../../ports.js';
import type { ProbeReport } from '../../probes/types.js';
import type { Secret } from '../../secret.js';
import type { RoleTemplate } from '../../templates/schema.js';
import type { ManagedKey, ManagedKeyMetadata } from '../key-metadata.js';
import type { EffectiveOutputs } from '../outputs.js';
import type { ProceedPlan } from '../plan-rotation.js';
import type { EnvFilesPort, HookRunner, ProbeRunner, RotationAuditLog } from '../ports.js';
import type { RetiredKey } from '../retire-keys.js';

/** Everything the rotation engine talks to, injected (tests pass fakes). */
export interface RotationDeps {
  readonly cluster: ClusterPort;
  readonly clock: Clock;
  readonly random: Random;
  readonly reporter: Reporter;
  readonly journal: JournalWriter;
  readonly audit: RotationAuditLog;
  readonly envFiles: EnvFilesPort;
  readonly hooks: HookRunner;
  readonly probes: ProbeRunner;
  readonly signal?: AbortSignal;
  /** Waits `ms` (the guard's wait for a rival to withdraw); tests pass an instant fake. @defaultValue a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Called after each step's `done` entry is durable. The CLI uses it for the test-only
   * crash hook (ESKEYS_TEST_CRASH_AFTER); production passes nothing.
   */
  readonly afterStep?: (step: JournalStep) => void | Promise<void>;
}

/** One planned rotation, ready to run. */
export interface RotationInput {
  readonly plan: ProceedPlan;
  readonly template: RoleTemplate;
  readonly templateHash: string;
  readonly outputs: EffectiveOutputs;
  /** `user@host`, recorded in key metadata and audit events. */
  readonly actor: string;
  readonly rotationId: string;
  /** False on clusters known to predate expiration updates (8.13); absent = try. */
  readonly supportsExpirationUpdate?: boolean;
  /**
   * `rotate --strict`: when retiring an old key would narrow it (the admin no longer holds all
   * its privileges), leave it untouched and end with PartialFailureError (exit 5).
   */
  readonly strictRetire?: boolean;
}

/** The key this rotation minted (never its secret). */
export interface NewKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly generation: number;
  readonly expiration?: Date;
}

/** How a rotation ended when it did not throw. */
export type RotationOutcome =
  | {
      readonly status: 'completed';
      readonly rotationId: string;
      readonly key: NewKeyInfo;
      readonly report: ProbeReport;
      readonly published: readonly string[];
      readonly retired: readonly RetiredKey[];
    }
  | {
      /** A probe failed: the new key is invalidated, consumers untouched (exit 1). */
      readonly status: 'verify_failed';
      readonly rotationId: string;
      readonly key: NewKeyInfo;
      readonly report: ProbeReport;
    }
  | {
      /** The restart hook or health check failed: env files restored, new key invalidated (exit 1). */
      readonly status: 'restart_failed';
      readonly rotationId: string;
      readonly key: NewKeyInfo;
      readonly report: ProbeReport;
      readonly detail: string;
    }
  | {
      /** Another host created a key first (cluster guard): ours is invalidated (exit 4). */
      readonly status: 'lost_race';
      readonly rotationId: string;
      readonly key: NewKeyInfo;
      readonly rival: ManagedKey;
    };

/** The new key as the create step hands it on: its info, its secret (for verify and publish) and its metadata. */
export interface CreatedKey {
  readonly key: NewKeyInfo;
  readonly encoded: Secret;
  /** The metadata it was minted with; activate merges `state: active` into it. */
  readonly metadata: ManagedKeyMetadata;
}

/** Env files this rotation wrote, each with its text before (undefined: the file did not exist), in write order. */
export type EnvFileBackups = ReadonlyMap<string, string | undefined>;

/** No env file written yet: a rollback before publish only invalidates the new key. */
export const NO_FILES_WRITTEN: EnvFileBackups = new Map();

/**
 * One rotation in progress: its ports and input plus the three ways a step leaves a trace
 * (journal entry, audit event, the after-step hook), all stamped with this rotation's scope.
 */
export interface RotationRun {
  readonly deps: RotationDeps;
  readonly input: RotationInput;
  readonly scope: { readonly template: string; readonly environment: string };
  /** Keys consumers used until now (current first, then other active ones): retired after publish. */
  readonly superseded: readonly ManagedKey[];
  journal(step: JournalStep, phase: JournalPhase, data?: JournalData): Promise<void>;
  audit(type: string, keyId: string | undefined, details: Record<string, AuditValue>): Promise<void>;
  afterStep(step: JournalStep): Promise<void>;
}

/** Binds the journal, audit and after-step hook to one rotation's id, scope and actor. */
export function startRotationRun(deps: RotationDeps, input: RotationInput): RotationRun {
  const { plan, rotationId } = input;
  const scope = { template: plan.template, environment: plan.environment };
  return {
    deps,
    input,
    scope,
    superseded: plan.current ? [plan.current, ...plan.otherActive] : [...plan.otherActive],
    async journal(step, phase, data) {
      await deps.journal.append({
        v: 1,
        rotation: rotationId,
        at: deps.clock.now().toISOString(),
        ...scope,
        step,
        phase,
        data,
      });
    },
    async audit(type, keyId, details) {
      await deps.audit.append({
        type,
        ...scope,
        keyId,
        actor: input.actor,
        details: { rotation: rotationId, ...details },
      });
    },
    async afterStep(step) {
      await deps.afterStep?.(step);
    },
  };
}

/** Every key this rotation retires or invalidates once the new key is live, by id. */
export function retireIdsOf(run: RotationRun): string[] {
  return [...run.superseded, ...run.input.plan.cutShort].map((k) => k.info.id);
}

/** The text of an error for journal reasons and messages. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
