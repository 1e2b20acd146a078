// The connections of one command run (src/cli/connections.ts): one per environment, shared,
// closed once when the command ends through main's run.

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CommandConnections } from '../../../src/cli/connections.js';
import { createContext } from '../../../src/cli/context.js';
import { run } from '../../../src/cli/main.js';
import type { ClusterPort } from '../../../src/core/cluster-port.js';
import type { RotationServices } from '../../../src/core/ports/rotation.js';

/** A cluster that counts its closes and answers who it is. */
function countingCluster(name: string) {
  const state = { closes: 0 };
  const port = {
    url: `https://${name}:9200`,
    whoami: () => name,
    close: async () => {
      state.closes++;
    },
  } as unknown as ClusterPort & { whoami(): string };
  return { port, state };
}

describe('CommandConnections', () => {
  it('opens each environment once, shares it, ignores close() until closeAll closes each once', async () => {
    const c = new CommandConnections();
    const prod = countingCluster('prod');
    const staging = countingCluster('staging');
    let opens = 0;
    const opener = (port: ClusterPort) => async () => {
      opens++;
      return port;
    };
    const a = await c.cluster('prod', opener(prod.port));
    const b = await c.cluster('prod', opener(prod.port));
    const s = await c.cluster('staging', opener(staging.port));
    expect(opens).toBe(2);
    expect((a as ClusterPort & { whoami(): string }).whoami()).toBe('prod');
    expect(b.url).toBe('https://prod:9200');
    expect(s.url).toBe('https://staging:9200');
    await a.close();
    await b.close();
    expect(prod.state.closes).toBe(0);
    await c.closeAll();
    await c.closeAll();
    expect([prod.state.closes, staging.state.closes]).toEqual([1, 1]);
  });

  it('does not keep a failed open (rejected or thrown): the next use tries again', async () => {
    const c = new CommandConnections();
    await expect(c.cluster('prod', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(
      c.cluster('prod', () => {
        throw new Error('no url configured');
      }),
    ).rejects.toThrow('no url configured');
    const prod = countingCluster('prod');
    expect((await c.cluster('prod', async () => prod.port)).url).toBe('https://prod:9200');
    await c.closeAll();
    expect(prod.state.closes).toBe(1);
  });

  it('services: shared per environment, their own close() deferred to closeAll', async () => {
    const c = new CommandConnections();
    let closes = 0;
    const services = { close: async () => void closes++ } as unknown as RotationServices;
    const first = await c.services('prod', async () => services);
    const again = await c.services('prod', async () => {
      throw new Error('opened twice');
    });
    expect(again).toBe(first);
    await first.close();
    expect(closes).toBe(0);
    await c.closeAll();
    expect(closes).toBe(1);
  });
});

describe("main's run closes the command's connections at the end", () => {
  it.each([
    ['a command that fails', ['status', '--config', '/nonexistent/eskeys.config.json']],
    ['help', ['--help']],
  ])('%s', async (_name, argv) => {
    const io = {
      stdout: Object.assign(new PassThrough(), { isTTY: false }),
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      isStdoutTTY: false,
      canPrompt: () => false,
    };
    const ctx = createContext(io as never, {}, '/nonexistent', new AbortController().signal);
    const prod = countingCluster('prod');
    // Opened before the command runs, as a command would on its first use.
    const shared = await ctx.services(
      'prod',
      async () => ({ close: prod.port.close }) as unknown as RotationServices,
    );
    await shared.close();
    expect(prod.state.closes).toBe(0);
    await run(argv, ctx);
    expect(prod.state.closes).toBe(1);
  });
});
