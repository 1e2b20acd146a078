/**
 * learn's reachability check at start: one connection, no byte sent, closed whatever happens, so
 * a silent upstream can neither delay the warning past its timeout nor keep the process alive.
 */
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { upstreamUnreachable } from '../../../src/adapters/proxy/upstream-socket.js';

function listen(onSocket: (s: Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer(onSocket);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

describe('upstreamUnreachable', () => {
  it('a listening upstream is reachable, and it receives no byte', async () => {
    let received = 0;
    const server = await listen((s) => s.on('data', (d) => (received += d.length)));
    expect(
      await upstreamUnreachable(new URL(`http://127.0.0.1:${server.port}`), { insecure: false }),
    ).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toBe(0);
    await server.close();
  });

  it('a closed port is ECONNREFUSED', async () => {
    const server = await listen(() => {});
    const { port } = server;
    await server.close();
    expect(await upstreamUnreachable(new URL(`http://127.0.0.1:${port}`), { insecure: false })).toBe(
      'ECONNREFUSED',
    );
  });

  it('an https upstream that never answers the handshake times out, and the connection is closed', async () => {
    let closed!: () => void;
    const wasClosed = new Promise<void>((r) => (closed = r));
    const server = await listen((s) => s.resume().on('close', () => closed()));
    const why = await upstreamUnreachable(
      new URL(`https://127.0.0.1:${server.port}`),
      { insecure: false },
      200,
    );
    expect(why).toBe('no answer within 0.2 s');
    await wasClosed; // the test would time out if the socket were left open
    await server.close();
  });
});
