import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

/** Flags of `eskeys sandbox`. */
export interface SandboxOptions {
  port: number;
  host: string;
  tls: boolean;
  esVersion: string;
  password?: string;
}

/**
 * Why the sandbox could not listen, as a usage problem (exit 2) when the user can fix it with
 * a flag; undefined for anything else (a bug, reported as such).
 */
function listenProblem(error: unknown, opts: SandboxOptions): UsageError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${opts.host}:${opts.port}`;
  if (code === 'EADDRINUSE')
    return new UsageError(
      `port ${opts.port} is in use on ${opts.host}; choose another with --port N (--port 0 picks a free one)`,
      { cause: error },
    );
  if (code === 'EACCES')
    return new UsageError(
      `not allowed to listen on ${where} (ports below 1024 need privileges); choose another with --port N`,
      { cause: error },
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new UsageError(`cannot listen on ${where}: no such local address; choose another with --host`, {
      cause: error,
    });
  return undefined;
}

/** Starts the sandbox and keeps it up until Ctrl-C (ctx.signal). */
export async function runSandbox(ctx: CliContext, opts: SandboxOptions): Promise<void> {
  const { runSandboxServer } = await import('../../sandbox/cli-entry.js');
  try {
    await runSandboxServer(
      {
        port: opts.port,
        host: opts.host,
        tls: opts.tls,
        version: opts.esVersion,
        elasticPassword: opts.password ?? ctx.env.ESKEYS_SANDBOX_PASSWORD,
      },
      ctx.io,
      {
        waitForStop: () =>
          new Promise((resolve) => {
            if (ctx.signal.aborted) resolve();
            else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
          }),
      },
    );
  } catch (error) {
    throw listenProblem(error, opts) ?? error;
  }
}

/** `eskeys sandbox [--port 9200] [--tls] [--es-version 8|9]`. */
export function sandboxCommand(ctx: CliContext, run = runSandbox): Command {
  return new Command('sandbox')
    .description('run the local Elasticsearch-compatible sandbox cluster (for demos and tests)')
    .addOption(new Option('--port <port>', 'port to listen on (0 = any free port)').default('9200'))
    .addOption(new Option('--host <host>', 'address to bind').default('127.0.0.1'))
    .addOption(new Option('--tls', 'serve HTTPS with a generated self-signed certificate').default(false))
    .addOption(
      new Option('--es-version <version>', 'Elasticsearch version to emulate: 8, 9 or e.g. 8.19.3').default(
        '8',
      ),
    )
    .addOption(
      new Option(
        '--password <password>',
        'bootstrap password of the elastic user (env ESKEYS_SANDBOX_PASSWORD)',
      ),
    )
    .action(
      async (raw: { port: string; host: string; tls: boolean; esVersion: string; password?: string }) => {
        const port = Number(raw.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new UsageError(`--port must be a port number (0-65535), got ${raw.port}`);
        }
        if (!/^(8|9)(\.\d+\.\d+)?$/.test(raw.esVersion)) {
          throw new UsageError(`--es-version must be 8, 9 or a full 8.x/9.x version, got ${raw.esVersion}`);
        }
        await run(ctx, { ...raw, port });
      },
    );
}
