// The least-privilege review use case (`eskeys review`): reads the audit log, asks the cluster
// (as the admin identity) for the identities' keys, who it connects as and its version, probes
// the deployed keys for --live exactly as `eskeys verify` does, and builds the document; the
// sign-off appends one review.completed per identity. Rendering and writing the document are
// the CLI's.

import type { AuditLog } from '../audit/audit-event.js';
import type { AdminIdentity, ClusterInfo, ClusterPort } from '../cluster-port.js';
import { AuthenticationError, ConfigError, clusterAnswerOf } from '../errors.js';
import { parseEsVersion } from '../es-version.js';
import { lintTemplate } from '../lint/lint.js';
import type { Reporter } from '../ports/basics.js';
import type { RunProbesInput } from '../probes/types.js';
import { reviewCompletedEvent, reviewDocument, reviewIdentity } from '../review/build-review.js';
import { type AuditLogInput, parseAuditRecords } from '../review/evidence.js';
import type { LearnedInput } from '../review/learned.js';
import type { IdentityReview, KeyOwner, LiveEvidence, ReviewDocument } from '../review/types.js';
import { type ManagedKey, parseManagedKeys } from '../rotation/key-metadata.js';
import { effectiveOutputs } from '../templates/load-template.js';
import type { Outputs, ProjectConfig, RoleTemplate } from '../templates/schema.js';
import type { RunContext } from './run-context.js';
import { type DeployedKeyConnection, type KeyUnderTest, probeDeployedKey } from './verify-deployed-key.js';

/** The admin connection of a review, or why the review has no cluster section. */
export type AdminClusterAccess = { readonly cluster: ClusterPort } | { readonly unavailable: string };

/** How `--live` reaches an identity's deployed key and the connection its probes use. */
export interface LiveKeyAccess {
  /** The deployed key for the identity's outputs; ConfigError (a reason, not a failure) when there is none. */
  readKey(outputs: Outputs): KeyUnderTest;
  /** The probes' connection: the admin identity when configured, else the key alone. */
  connect(
    key: KeyUnderTest,
  ): Promise<{ readonly connection: DeployedKeyConnection; readonly clusterUrl: string }>;
  /** @defaultValue the probe runner's retry policy */
  readonly retry?: RunProbesInput['retry'];
}

/** The ports a review reads through. */
export interface ReviewPorts {
  readonly run: Pick<RunContext, 'clock' | 'random' | 'signal'>;
  readonly reporter: Reporter;
  /** The audit log's verification and text (a missing log is evidence of nothing, not an error). */
  readAuditLog(): Promise<AuditLogInput>;
  /** Opens the admin connection once (the review closes it), or says why there is none. */
  openAdminCluster(): Promise<AdminClusterAccess>;
  /** Present with --live. */
  readonly live?: LiveKeyAccess;
}

/** What to review. */
export interface ReviewRequest {
  readonly templates: readonly { readonly template: RoleTemplate; readonly file: string }[];
  readonly config: ProjectConfig;
  readonly environment: string;
  /** Who generates the document (username@host). */
  readonly actor: string;
  /** The reviewer signing the document off, if any (recorded by {@link recordSignOff}). */
  readonly signOff?: string;
  /** Learn reports (`eskeys learn`) as evidence of the access each identity uses. */
  readonly learned?: readonly LearnedInput[];
}

/**
 * The learn report of each reviewed template, by template name. ConfigError (exit 2) for a report
 * of a template not under review (naming both), or two reports of one template.
 */
export function learnReportsByTemplate(
  templates: readonly { readonly template: RoleTemplate }[],
  learned: readonly LearnedInput[],
): Map<string, LearnedInput> {
  const reviewed = templates.map((t) => t.template.name);
  const out = new Map<string, LearnedInput>();
  for (const l of learned) {
    const name = l.report.template;
    if (!reviewed.includes(name))
      throw new ConfigError(
        `${l.file} is the learn report of template ${name}, not of ${reviewed.length === 1 ? 'the reviewed template' : 'any reviewed template'} ${reviewed.join(', ')}`,
      );
    const other = out.get(name);
    if (other)
      throw new ConfigError(`${other.file} and ${l.file} are both learn reports of ${name}: pass one`);
    out.set(name, l);
  }
  return out;
}

/** The review section of what the cluster says, before it is matched with each identity. */
export type ReviewClusterKeys =
  | { available: true; keys: ManagedKey[]; admin?: KeyOwner; version?: string }
  | { available: false; reason: string };

/** Builds the review document: audit evidence, the cluster's keys, live probes, findings and the decision. */
export async function reviewProject(ports: ReviewPorts, request: ReviewRequest): Promise<ReviewDocument> {
  const { environment } = request;
  // Before anything is read or connected: a report of the wrong template is bad input (exit 2).
  const learned = learnReportsByTemplate(request.templates, request.learned ?? []);
  const audit = await ports.readAuditLog();
  const records = parseAuditRecords(audit);
  const access = await ports.openAdminCluster();
  const cluster =
    'unavailable' in access
      ? ({ available: false, reason: access.unavailable } as const)
      : await readClusterKeys(access.cluster, environment);
  const identities: IdentityReview[] = [];
  for (const { template, file } of request.templates) {
    const outputs = effectiveOutputs(template, request.config, environment);
    const live = ports.live
      ? await liveEvidence(ports, ports.live, template, outputs, environment)
      : undefined;
    identities.push(
      reviewIdentity({
        template,
        file,
        environment,
        outputs: { envFiles: outputs.env_files, keyVar: outputs.key_var, idVar: outputs.id_var },
        lint: lintTemplate(template, file),
        audit,
        records,
        cluster,
        live,
        learned: learned.get(template.name),
        now: ports.run.clock.now(),
      }),
    );
  }
  return reviewDocument(identities, {
    generatedAt: ports.run.clock.now(),
    environment,
    generatedBy: request.actor,
    signedOffBy: request.signOff,
  });
}

/**
 * The identities' managed keys, the admin identity and the version, as the admin; always closes
 * the connection. An unreachable cluster is an error (exit 3), not a silent omission.
 */
export async function readClusterKeys(cluster: ClusterPort, environment: string): Promise<ReviewClusterKeys> {
  try {
    const keys = parseManagedKeys(await cluster.findManagedKeys({ environment }));
    const admin = await adminIdentity(cluster);
    const version = await clusterVersion(cluster);
    return {
      available: true,
      keys,
      ...(admin ? { admin } : {}),
      ...(version ? { version } : {}),
    };
  } finally {
    await cluster.close().catch(() => {});
  }
}

/**
 * Who the review connects as: the owner of every key eskeys mints (`_authenticate` needs no
 * privilege). An API-key admin is its owner's user, realm unknown. Falls back to the configured
 * user name when `_authenticate` does not answer 200.
 */
async function adminIdentity(cluster: ClusterPort): Promise<KeyOwner | undefined> {
  let who: AdminIdentity;
  try {
    who = await cluster.authenticate();
  } catch (error) {
    // The cluster answered with an error status: fall back to the configured user name.
    if (!clusterAnswerOf(error)) throw error;
    return cluster.adminUsername ? { username: cluster.adminUsername } : undefined;
  }
  const realm = who.lookupRealm?.name ?? who.authenticationRealm?.name;
  return {
    username: who.username,
    ...(who.authenticationType !== 'api_key' && realm !== undefined ? { realm } : {}),
  };
}

/** The cluster's version (`GET /`, which needs `monitor`); undefined when the cluster refuses it. */
async function clusterVersion(cluster: ClusterPort): Promise<string | undefined> {
  let info: ClusterInfo;
  try {
    info = await cluster.clusterInfo();
  } catch (error) {
    if (!clusterAnswerOf(error)) throw error;
    return undefined;
  }
  const v = parseEsVersion(info.versionNumber, info.buildFlavor);
  return v ? (v.serverless ? `${v.number} (serverless)` : v.number) : undefined;
}

/**
 * Probes the identity's deployed key now, exactly as `eskeys verify` would. No probes, or no key
 * to find, is a reason in the document; a key the cluster rejects (401) is evidence too.
 */
export async function liveEvidence(
  ports: Pick<ReviewPorts, 'run' | 'reporter'>,
  live: LiveKeyAccess,
  template: RoleTemplate,
  outputs: Outputs,
  environment: string,
): Promise<LiveEvidence> {
  if (template.probes.allow.length + template.probes.deny.length === 0)
    return { ran: false, reason: 'the template declares no probes' };
  let key: KeyUnderTest;
  try {
    key = live.readKey(outputs);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ran: false, reason: error.message };
  }
  const { connection, clusterUrl } = await live.connect(key);
  try {
    const report = await probeDeployedKey({
      ctx: ports.run,
      connection,
      key,
      template,
      environment,
      reporter: ports.reporter,
      describe: (adminAvailable) =>
        `probing ${template.name} (${environment}) with ${key.source}${adminAvailable ? '' : ' (key only)'}`,
      retry: live.retry,
    });
    return { ran: true, report, clusterUrl, keySource: key.source };
  } catch (error) {
    // With the admin identity already accepted (or no admin at all), a 401 here is the key's.
    if (error instanceof AuthenticationError)
      return { ran: false, reason: `${key.source}: ${error.message}`, keyRejected: true };
    throw error;
  }
}

/** Appends one `review.completed` per identity: who signed off, the decision, the counts and the document's digest. */
export async function recordSignOff(
  audit: AuditLog,
  doc: ReviewDocument,
  sign: { readonly reviewer: string; readonly actor: string; readonly documentSha256: string },
): Promise<void> {
  for (const identity of doc.identities) await audit.append(reviewCompletedEvent(identity, doc, sign));
}
