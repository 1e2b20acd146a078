/**
 * The reverse proxy of `eskeys learn`: forwards every request unchanged (method, path, query,
 * headers including Authorization, body) to the upstream cluster and streams the answer back,
 * both ways without buffering. Each client connection is relayed over one upstream connection
 * of its own (relay-connection.ts); HTTP/1.1 is parsed only as far as framing needs, which is
 * what keeps the proxy close to the cost of copying bytes. It tells the recorder the request
 * line, the body chunks the recorder asks for and the answer's status; it keeps nothing else.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { UsageError } from '../../core/errors.js';
import type { ExchangeRecorder } from './exchange-feed.js';
import { RelayConnection } from './relay-connection.js';
import type { UpstreamTls } from './upstream-socket.js';

export type { ExchangeRecorder } from './exchange-feed.js';
export { upstreamUnreachable } from './upstream-socket.js';

/** Options of the recording proxy. */
export interface RecordingProxyOptions {
  readonly upstream: URL;
  readonly tls: UpstreamTls;
  /** @defaultValue '127.0.0.1' */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly recorder: ExchangeRecorder;
  /** Epoch millis, for date-math names. */
  readonly now: () => number;
}

/** A running proxy. */
export interface RunningProxy {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets in-flight exchanges finish, closes idle connections. */
  close(): Promise<void>;
}

/** Starts the proxy; `--port` busy or not allowed → UsageError (exit 2). */
export async function startRecordingProxy(opts: RecordingProxyOptions): Promise<RunningProxy> {
  const settings = { upstream: opts.upstream, tls: opts.tls, recorder: opts.recorder, now: opts.now };
  const connections = new Set<RelayConnection>();
  // Half-open allowed: a client that sends its request and then shuts its side still gets the answer.
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (socket: Socket) => {
    const connection = new RelayConnection(socket, settings, () => connections.delete(connection));
    connections.add(connection);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error & { code?: string }) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE')
        reject(
          new UsageError(`--port ${opts.port}: the address ${opts.host}:${opts.port} is already in use`),
        );
      else if (error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL')
        reject(
          new UsageError(`--host ${opts.host} --port ${opts.port}: cannot listen there (${error.code})`),
        );
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, opts.host);
  });
  const port = (server.address() as { port: number }).port;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) connection.drain();
      await closed;
    },
  };
}
