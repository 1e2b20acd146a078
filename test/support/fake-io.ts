import { Readable } from 'node:stream';
import { CommandConnections } from '../../src/cli/connections.js';
import type { CliContext } from '../../src/cli/context.js';
import type { IO } from '../../src/cli/io.js';
import type { Prompter } from '../../src/core/ports.js';
import { FakeClock, fakeRandom } from './fake-clock.js';

/** IO whose output lands in strings; `tty` makes it look like an interactive terminal. */
export class FakeIO implements IO {
  out = '';
  err = '';
  readonly stdout = {
    write: (t: string) => {
      this.out += t;
    },
  };
  readonly stderr = {
    write: (t: string) => {
      this.err += t;
    },
  };
  readonly stdin = Readable.from([]);
  constructor(readonly tty = false) {}
  get isStdoutTTY(): boolean {
    return this.tty;
  }
  canPrompt(): boolean {
    return this.tty;
  }
}

/** A CliContext over fakes. */
export function fakeContext(opts: {
  cwd: string;
  io?: FakeIO;
  clock?: FakeClock;
  prompter?: Prompter;
  env?: Record<string, string>;
  /** The cluster behind every connection; absent: connections go to the real ES adapter. */
  connect?: CliContext['connect'];
}): CliContext & { io: FakeIO; clock: FakeClock } {
  const io = opts.io ?? new FakeIO();
  const clock = opts.clock ?? new FakeClock('2026-06-01T00:00:00Z');
  const connections = new CommandConnections();
  const ctx: CliContext & { io: FakeIO; clock: FakeClock } = {
    io,
    env: opts.env ?? {},
    cwd: opts.cwd,
    clock,
    random: fakeRandom(),
    signal: new AbortController().signal,
    prompter: async () => {
      if (!opts.prompter) throw new Error('unexpected prompt');
      return opts.prompter;
    },
    connect:
      opts.connect ??
      (async (settings, connectOpts) =>
        (await import('../../src/cli/composition.js')).connectCluster(io, settings, connectOpts)),
    cluster: (environment, settings) => connections.cluster(environment, () => ctx.connect(settings())),
    services: (environment, open) => connections.services(environment, open),
    closeConnections: () => connections.closeAll(),
  };
  return ctx;
}
