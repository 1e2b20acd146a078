import { randomBytes } from 'node:crypto';
import type { ClusterPort } from '../core/cluster-port.js';
import type { ConnectionSettings } from '../core/config/connection.js';
import type { RotationServices } from '../core/ports/rotation.js';
import type { Clock, Prompter, Random } from '../core/ports.js';
import type { ConnectOptions } from './composition.js';
import { CommandConnections } from './connections.js';
import type { IO } from './io.js';

/**
 * What every command gets (cli/cli's Factory). Members that cost something (prompts, the
 * cluster client) are lazy, so `--help` and usage errors never connect or load them.
 */
export interface CliContext {
  readonly io: IO;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against. */
  readonly cwd: string;
  readonly clock: Clock;
  readonly random: Random;
  /** Aborted on SIGINT/SIGTERM so long operations can clean up (canaries, locks). */
  readonly signal: AbortSignal;
  prompter(): Promise<Prompter>;
  /**
   * A cluster client for connection settings, built by the composition root (connectCluster):
   * the one seam every command's cluster goes through, so tests swap the connection, not modules.
   */
  connect(settings: ConnectionSettings, opts?: ConnectOptions): Promise<ClusterPort>;
  /**
   * The admin cluster of an environment for the rest of the command: opened through connect()
   * with `settings` on first use, then shared; its close() is a no-op, the connection is closed
   * once by {@link CliContext.closeConnections} when the command ends.
   */
  cluster(environment: string, settings: () => ConnectionSettings): Promise<ClusterPort>;
  /** The rotation services of an environment, opened with `open` on first use, shared and closed like cluster(). */
  services(environment: string, open: () => Promise<RotationServices>): Promise<RotationServices>;
  /** Closes every connection cluster() and services() opened (main's run, after the command, success or error). */
  closeConnections(): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** Cryptographic randomness for canary names and ids. */
export const systemRandom: Random = {
  hex: (length) =>
    randomBytes(Math.ceil(length / 2))
      .toString('hex')
      .slice(0, length),
};

/** Builds the production context. */
export function createContext(
  io: IO,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  signal: AbortSignal,
): CliContext {
  let prompter: Promise<Prompter> | undefined;
  const connections = new CommandConnections();
  const ctx: CliContext = {
    io,
    env,
    cwd,
    clock: systemClock,
    random: systemRandom,
    signal,
    prompter() {
      prompter ??= import('../adapters/prompts/inquirer-prompter.js').then((m) =>
        m.createInquirerPrompter({ input: io.stdin }, signal),
      );
      return prompter;
    },
    connect: (settings, opts) => import('./composition.js').then((m) => m.connectCluster(io, settings, opts)),
    cluster: (environment, settings) => connections.cluster(environment, () => ctx.connect(settings())),
    services: (environment, open) => connections.services(environment, open),
    closeConnections: () => connections.closeAll(),
  };
  return ctx;
}
