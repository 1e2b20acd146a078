import { ClusterBusyError } from '../../errors.js';
import type { ProbeReport } from '../../probes/types.js';
import { rollBack, rollBackIfCancelled } from './rollback.js';
import { type CreatedKey, errorMessage, NO_FILES_WRITTEN, type RotationRun } from './rotation-run.js';

/** What a probe report means for the rotation: go on, roll back as failed, or roll back as busy. */
export type VerifyJudgement =
  | { readonly kind: 'passed' }
  /** Every probe passed or was left inconclusive by a busy cluster: not denied, but unproven. */
  | { readonly kind: 'inconclusive'; readonly probes: string }
  /** At least one probe failed or errored: `failed` names them (`op (expected)`). */
  | { readonly kind: 'failed'; readonly failed: readonly string[] };

/** Judges a probe report: an unproven key is never published, and busy is not denied. */
export function judgeProbeReport(report: ProbeReport): VerifyJudgement {
  if (report.passed) return { kind: 'passed' };
  if (report.results.every((r) => r.verdict === 'pass' || r.verdict === 'inconclusive')) {
    const unjudged = report.results.filter((r) => r.verdict === 'inconclusive');
    return {
      kind: 'inconclusive',
      probes: unjudged.map((r) => `${r.op} (${r.expected}: ${r.got})`).join(', '),
    };
  }
  return {
    kind: 'failed',
    failed: report.results.filter((r) => r.verdict !== 'pass').map((r) => `${r.op} (${r.expected})`),
  };
}

/**
 * verify: runs the template's probes with the new key. Returns the report with `passed: true`
 * when every probe passed; on failed probes rolls back and returns it with `passed: false`.
 * Throws (after rolling back) when the probes could not run, the cluster was too busy to judge
 * (ClusterBusyError), or the run was cancelled.
 */
export async function verifyNewKey(
  run: RotationRun,
  created: CreatedKey,
): Promise<{ readonly passed: boolean; readonly report: ProbeReport }> {
  const { deps, input } = run;
  const { key } = created;
  await rollBackIfCancelled(run, key);
  deps.reporter.step(
    `verifying ${key.name} with ${input.template.probes.allow.length + input.template.probes.deny.length} probes`,
  );
  // The probe run's tag names its per-run resources: journaled first, so recover can remove
  // exactly those if this process dies before the probes' teardown.
  const probeTag = deps.random.hex(8);
  await run.journal('verify', 'begin', { keyId: key.id, probeTag });
  let report: ProbeReport;
  try {
    report = await deps.probes({
      cluster: deps.cluster,
      template: input.template,
      environment: input.plan.environment,
      key: { id: key.id, encoded: created.encoded },
      random: deps.random,
      tag: probeTag,
      clock: deps.clock,
      signal: deps.signal,
      adminAvailable: true,
      reporter: deps.reporter,
    });
  } catch (error) {
    await run.journal('verify', 'failed', { keyId: key.id, reason: errorMessage(error) });
    await rollBack(run, key, `probes could not run: ${errorMessage(error)}`, NO_FILES_WRITTEN);
    throw error;
  }
  const judgement = judgeProbeReport(report);
  if (judgement.kind === 'inconclusive') {
    await run.journal('verify', 'failed', {
      keyId: key.id,
      reason: `inconclusive probes: ${judgement.probes}`,
    });
    await rollBack(run, key, `verification inconclusive: the cluster was busy`, NO_FILES_WRITTEN);
    throw new ClusterBusyError(
      `cluster ${deps.cluster.url} was busy: verification of ${key.name} is inconclusive (${judgement.probes}); the new key was invalidated and no consumer was touched; rotate again later`,
    );
  }
  if (judgement.kind === 'failed') {
    const { failed } = judgement;
    await run.journal('verify', 'failed', { keyId: key.id, reason: `failed probes: ${failed.join(', ')}` });
    await run.audit('key.verify_failed', key.id, { name: key.name, failed });
    await rollBack(run, key, `verification failed: ${failed.join(', ')}`, NO_FILES_WRITTEN);
    return { passed: false, report };
  }
  await run.journal('verify', 'done', { keyId: key.id });
  await run.audit('key.verified', key.id, { name: key.name, probes: report.results.length });
  await run.afterStep('verify');
  return { passed: true, report };
}
