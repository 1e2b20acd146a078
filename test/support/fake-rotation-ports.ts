import type { OpenServices } from '../../src/cli/composition.js';
import { LockedError } from '../../src/core/errors.js';
import type { JournalEntry, JournalReader, JournalWriter } from '../../src/core/journal/journal-entry.js';
import type { RecordingEnvFiles } from '../../src/core/ports/rotation.js';
import type { ProbeReport, RunProbesInput } from '../../src/core/probes/types.js';
import type {
  CommandHook,
  EnvFilesPort,
  HookResult,
  HookRunner,
  RotationAuditEvent,
  RotationAuditLog,
} from '../../src/core/rotation/ports.js';
import { Secret } from '../../src/core/secret.js';
import type { FakeCluster } from './fake-cluster.js';

/** Env files in memory: path → text. Each dotenv line `K=V`; enough for engine tests. */
export class FakeEnvFiles implements EnvFilesPort {
  readonly files = new Map<string, string>();
  /** Paths whose next update throws. */
  readonly failOn = new Set<string>();
  readonly writes: string[] = [];
  async update(path: string, vars: Readonly<Record<string, Secret | string>>): Promise<{ before?: string }> {
    if (this.failOn.has(path)) {
      this.failOn.delete(path);
      throw new Error(`EACCES: cannot write ${path}`);
    }
    const before = this.files.get(path);
    let text = before ?? '';
    for (const [k, raw] of Object.entries(vars)) {
      const v = raw instanceof Secret ? raw.reveal() : raw;
      const re = new RegExp(`^${k}=.*$`, 'm');
      text = re.test(text)
        ? text.replace(re, `${k}=${v}`)
        : `${text}${text && !text.endsWith('\n') ? '\n' : ''}${k}=${v}\n`;
    }
    this.files.set(path, text);
    this.writes.push(path);
    return { before };
  }
  async restore(path: string, before: string | undefined): Promise<void> {
    if (before === undefined) this.files.delete(path);
    else this.files.set(path, before);
  }
  async readVar(path: string, name: string): Promise<Secret | undefined> {
    const m = new RegExp(`^${name}=(.*)$`, 'm').exec(this.files.get(path) ?? '');
    return m ? new Secret(m[1]!) : undefined;
  }
  /** The value of a variable (tests only). */
  value(path: string, name: string): string | undefined {
    return new RegExp(`^${name}=(.*)$`, 'm').exec(this.files.get(path) ?? '')?.[1];
  }
}

/** Hooks that answer from a script; records the env each command got. */
export class FakeHooks implements HookRunner {
  readonly commands: CommandHook[] = [];
  restartOk = true;
  healthOk = true;
  async runCommand(hook: CommandHook): Promise<HookResult> {
    this.commands.push(hook);
    const ok = hook.command.includes('health') ? this.healthOk : this.restartOk;
    return { ok, detail: ok ? `${hook.command} exited 0` : `${hook.command} exited 1` };
  }
  async checkUrl(check: { url: string }): Promise<HookResult> {
    return { ok: this.healthOk, detail: `GET ${check.url} answered ${this.healthOk ? 200 : 503}` };
  }
}

/** An in-memory journal. */
export class MemoryJournal implements JournalWriter, JournalReader {
  readonly entries: JournalEntry[] = [];
  async append(entry: JournalEntry): Promise<void> {
    this.entries.push(structuredClone(entry));
  }
  async readAll(scope?: { template: string; environment: string }): Promise<JournalEntry[]> {
    return structuredClone(
      this.entries.filter(
        (e) => !scope || (e.template === scope.template && e.environment === scope.environment),
      ),
    );
  }
  /** `step:phase` of every entry, for readable assertions. */
  steps(): string[] {
    return this.entries.map((e) => `${e.step}:${e.phase}`);
  }
}

/** An in-memory audit log. */
export class MemoryAudit implements RotationAuditLog {
  readonly events: RotationAuditEvent[] = [];
  async append(event: RotationAuditEvent): Promise<void> {
    this.events.push(structuredClone(event));
  }
}

/** A probe runner whose verdict tests set; records which keys it probed. */
export function fakeProbes(pass: () => boolean = () => true) {
  const probed: string[] = [];
  const run = async (input: RunProbesInput): Promise<ProbeReport> => {
    probed.push(input.key.id);
    const ok = pass();
    return {
      template: input.template.name,
      environment: input.environment,
      keyId: input.key.id,
      startedAt: input.clock.now(),
      passed: ok,
      requests: 2,
      results: [
        {
          op: 'cluster.health',
          action: 'cluster:monitor/health',
          expected: 'allow',
          mode: 'live',
          status: 200,
          got: '200',
          verdict: 'pass',
          durationMs: 1,
        },
        {
          op: 'doc.delete',
          action: 'indices:data/write/delete',
          expected: 'deny',
          mode: 'live',
          status: ok ? 403 : 404,
          got: ok ? '403 security_exception' : '404',
          verdict: ok ? 'pass' : 'fail',
          durationMs: 1,
        },
      ],
    };
  };
  return { run, probed };
}

/**
 * In-memory services for the rotation commands' `openServices` seam: the given cluster, fake
 * env files, journal, audit log, hooks and passing probes; `locked` makes the lock refuse.
 */
export function fakeRotationServices(cluster: FakeCluster, locked = false) {
  const files = new FakeEnvFiles();
  const journal = new MemoryJournal();
  const audit = new MemoryAudit();
  const envFiles = (): RecordingEnvFiles => ({
    diffs: [],
    update: (p, v) => files.update(p, v),
    restore: (p, b) => files.restore(p, b),
    readVar: (p, n) => files.readVar(p, n),
    preview: async (p) => ({ file: p, diff: '' }),
    preflight: async (p) => ({ file: p, diff: '' }),
  });
  const open: OpenServices = async () => ({
    cluster,
    journal,
    audit,
    envFiles,
    hooks: new FakeHooks(),
    probes: fakeProbes().run,
    lock: async (name) => {
      if (locked) throw new LockedError(`another rotation of ${name} is running`);
      return { release() {} };
    },
    close: async () => {},
  });
  return { cluster, files, journal, audit, open };
}
