import type { Secret } from '../../secret.js';
import type { EffectiveOutputs } from '../outputs.js';
import type { HookRunner } from '../ports.js';
import type { PublishedVars } from './publish.js';
import { rollBack } from './rollback.js';
import type { EnvFileBackups, NewKeyInfo, RotationRun } from './rotation-run.js';

/**
 * Runs the restart command, then the health check (skipped when the restart failed), with the
 * new key in the child's environment. Returns why they failed, or undefined when both passed.
 */
export async function runRestartHooks(
  hooks: HookRunner,
  outputs: EffectiveOutputs,
  vars: PublishedVars,
  report: (step: string) => void,
): Promise<string | undefined> {
  const env: Record<string, Secret | string> = { ...vars };
  if (outputs.restart) {
    report(`restarting: ${outputs.restart.command}`);
    const r = await hooks.runCommand({ ...outputs.restart, env });
    if (!r.ok) return `restart command failed: ${r.detail}`;
  }
  if (outputs.healthCheck) {
    const hc = outputs.healthCheck;
    report(`health check: ${hc.kind === 'url' ? hc.url : hc.command}`);
    const r =
      hc.kind === 'url'
        ? await hooks.checkUrl(hc)
        : await hooks.runCommand({ command: hc.command, timeoutMs: hc.timeoutMs, env });
    if (!r.ok) return `health check failed: ${r.detail}`;
  }
  return undefined;
}

/**
 * restart (optional): when the outputs declare a restart command or health check, runs them; on
 * failure puts the previous env files back and invalidates the new key (the old key is still
 * valid), returning the failure. Undefined when there is nothing to run or everything passed.
 */
export async function restartConsumers(
  run: RotationRun,
  key: NewKeyInfo,
  published: { readonly vars: PublishedVars; readonly backups: EnvFileBackups },
): Promise<string | undefined> {
  const { deps, input } = run;
  if (!input.outputs.restart && !input.outputs.healthCheck) return undefined;
  await run.journal('restart', 'begin', { keyId: key.id });
  const failure = await runRestartHooks(deps.hooks, input.outputs, published.vars, (m) =>
    deps.reporter.step(m),
  );
  if (failure) {
    await run.journal('restart', 'failed', { keyId: key.id, reason: failure });
    await rollBack(run, key, failure, published.backups);
    return failure;
  }
  await run.journal('restart', 'done', { keyId: key.id });
  await run.afterStep('restart');
  return undefined;
}
