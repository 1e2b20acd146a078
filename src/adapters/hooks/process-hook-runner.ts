import { spawn } from 'node:child_process';
import type { CommandHook, HookResult, HookRunner } from '../../core/rotation/ports.js';
import { Secret } from '../../core/secret.js';
import { redactSecrets } from '../../core/secrets/detect.js';

/** Options of the hook runner. */
export interface ProcessHookRunnerOptions {
  /** Working directory of commands (the project root). */
  readonly cwd: string;
  /** The parent environment the child inherits (the CLI's env), before the hook's own variables. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Aborts running commands (SIGINT). */
  readonly signal?: AbortSignal;
}

const TAIL = 400;

/**
 * eskeys' own settings never reach a hook: ESKEYS_PASSWORD and ESKEYS_API_KEY are the admin's
 * credentials, and a restart command (or whatever it starts) has no business holding them. Their
 * values are also scrubbed from captured output, in case they reach the hook some other way.
 */
const OWN_SETTING = /^ESKEYS_/;
const ADMIN_SECRETS = ['ESKEYS_PASSWORD', 'ESKEYS_API_KEY'];

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Runs restart commands and health checks. A command runs through the shell (templates
 * write `docker compose restart api`), with the new key only in the child's environment,
 * never in argv, where `ps` would show it to every user of the host. On timeout the whole
 * process group is killed, so a hung `docker compose` does not outlive the rotation.
 */
export class ProcessHookRunner implements HookRunner {
  readonly #opts: ProcessHookRunnerOptions;

  constructor(opts: ProcessHookRunnerOptions) {
    this.#opts = opts;
  }

  runCommand(hook: CommandHook): Promise<HookResult> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.#opts.baseEnv)) {
      if (v !== undefined && !OWN_SETTING.test(k)) env[k] = v;
    }
    const secrets: string[] = ADMIN_SECRETS.flatMap((k) => this.#opts.baseEnv[k] ?? []);
    for (const [k, v] of Object.entries(hook.env)) {
      if (v instanceof Secret) {
        env[k] = v.reveal();
        secrets.push(v.reveal());
      } else env[k] = v;
    }
    return new Promise((resolve) => {
      let output = '';
      let timedOut = false;
      let settled = false;
      const child = spawn(hook.command, {
        shell: true,
        cwd: this.#opts.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const collect = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-4 * TAIL);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      const killGroup = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, hook.timeoutMs);
      const onAbort = () => killGroup();
      this.#opts.signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (result: HookResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#opts.signal?.removeEventListener('abort', onAbort);
        resolve({ ...result, detail: redactSecrets(result.detail, secrets) });
      };
      child.on('error', (error) =>
        finish({ ok: false, detail: `cannot run \`${hook.command}\`: ${error.message}` }),
      );
      child.on('close', (code, sig) => {
        const tail = oneLine(redactSecrets(output, secrets)).slice(-TAIL);
        if (timedOut) {
          finish({ ok: false, detail: `\`${hook.command}\` timed out after ${hook.timeoutMs} ms` });
        } else if (code === 0) {
          finish({ ok: true, detail: `\`${hook.command}\` exited 0` });
        } else {
          finish({
            ok: false,
            detail: `\`${hook.command}\` ${sig ? `was killed by ${sig}` : `exited ${code}`}${tail ? `: ${tail}` : ''}`,
          });
        }
      });
    });
  }

  async checkUrl(check: { url: string; timeoutMs: number; expectStatus?: number }): Promise<HookResult> {
    try {
      const res = await fetch(check.url, {
        signal: AbortSignal.timeout(check.timeoutMs),
        redirect: 'manual',
      });
      await res.body?.cancel();
      const ok =
        check.expectStatus !== undefined
          ? res.status === check.expectStatus
          : res.status >= 200 && res.status < 300;
      return {
        ok,
        detail: `GET ${check.url} answered ${res.status}${ok ? '' : check.expectStatus !== undefined ? ` (expected ${check.expectStatus})` : ' (expected 2xx)'}`,
      };
    } catch (error) {
      const e = error as Error;
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      return {
        ok: false,
        detail: timedOut
          ? `GET ${check.url} timed out after ${check.timeoutMs} ms`
          : `GET ${check.url} failed: ${oneLine(String((e as { cause?: Error }).cause?.message ?? e.message))}`,
      };
    }
  }
}
