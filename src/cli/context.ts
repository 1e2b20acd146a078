import { randomBytes } from 'node:crypto';
import type { ClusterPort } from '../core/cluster-port.js';
import type { ConnectionSettings } from '../core/config/connection.js';
import type { Clock, Prompter, Random } from '../core/ports.js';
import type { ConnectOptions } from './composition.js';
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
  return {
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
  };
}
