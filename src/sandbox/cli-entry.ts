import { type SandboxOptions, startSandbox } from './index.js';

/** Output streams the `eskeys sandbox` command writes to. */
export interface SandboxIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/** What runSandboxServer needs besides options; `waitForStop` defaults to SIGINT/SIGTERM. */
export interface SandboxRunDeps {
  waitForStop?: () => Promise<void>;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Runs the sandbox for `eskeys sandbox`: prints where it listens and how to point eskeys at it
 * (the bootstrap password is a throwaway and the one secret printed), then stays up until
 * SIGINT/SIGTERM.
 */
export async function runSandboxServer(
  opts: SandboxOptions,
  io: SandboxIO,
  deps: SandboxRunDeps = {},
): Promise<void> {
  const sandbox = await startSandbox({ ...opts, port: opts.port ?? 9200 });
  const lines = [
    `eskeys sandbox (Elasticsearch ${sandbox.state.version.number} emulator) listening on ${sandbox.url}`,
    `  username: ${sandbox.username}`,
    `  password: ${sandbox.password}`,
  ];
  if (sandbox.caFingerprint) lines.push(`  CA fingerprint (SHA-256): ${sandbox.caFingerprint}`);
  lines.push(
    '',
    'Point eskeys at it:',
    `  export ESKEYS_URL=${sandbox.url} ESKEYS_USERNAME=elastic ESKEYS_PASSWORD=${sandbox.password}`,
  );
  if (sandbox.caFingerprint) lines.push(`  export ESKEYS_CA_FINGERPRINT=${sandbox.caFingerprint}`);
  lines.push('', 'Press Ctrl+C to stop.', '');
  io.stdout.write(lines.join('\n'));
  await (deps.waitForStop ?? untilSignal)();
  await sandbox.close();
  io.stderr.write('sandbox stopped\n');
}
