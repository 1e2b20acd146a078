/**
 * The connection pool towards the upstream cluster, with the TLS rules of every other command:
 * an https upstream is verified against the system CAs or `--ca`; `--ca-fingerprint` pins the
 * CA (or server) certificate; `--insecure` turns verification off.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { type ConnectionOptions, type DetailedPeerCertificate, connect as tlsConnect } from 'node:tls';

/** TLS settings of the upstream connection. */
export interface UpstreamTls {
  /** PEM CA bundle (the file's text). */
  readonly ca?: string;
  /** `AA:BB:…` upper-case SHA-256 fingerprint of a certificate of the chain. */
  readonly caFingerprint?: string;
  readonly insecure: boolean;
}

/** The fingerprints of every certificate the server presented, leaf to root. */
function chainFingerprints(leaf: DetailedPeerCertificate): string[] {
  const out: string[] = [];
  const seen = new Set<DetailedPeerCertificate>();
  for (let c: DetailedPeerCertificate | undefined = leaf; c && !seen.has(c); c = c.issuerCertificate) {
    seen.add(c);
    if (c.fingerprint256) out.push(c.fingerprint256.toUpperCase());
  }
  return out;
}

/** Thrown (as a connection error) when no certificate of the chain matches the pinned fingerprint. */
export class FingerprintMismatchError extends Error {
  readonly code = 'ESKEYS_CA_FINGERPRINT_MISMATCH';
}

/**
 * An https agent that hands a socket to the request only after the pinned fingerprint matched,
 * so no request byte (and no Authorization header) reaches a server that failed the check.
 */
class PinnedHttpsAgent extends HttpsAgent {
  constructor(
    options: HttpsAgentOptions,
    private readonly fingerprint: string,
  ) {
    super(options);
  }

  override createConnection(
    options: ConnectionOptions,
    callback?: (err: Error | null, socket: Duplex) => void,
  ): Duplex {
    const socket = tlsConnect(options);
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      callback?.(err, socket);
    };
    socket.once('secureConnect', () => {
      if (chainFingerprints(socket.getPeerCertificate(true)).includes(this.fingerprint)) {
        finish(null);
      } else {
        const err = new FingerprintMismatchError(
          'no certificate of the upstream matches the pinned CA fingerprint (--ca-fingerprint)',
        );
        socket.destroy(err);
        finish(err);
      }
    });
    socket.once('error', (err) => finish(err));
    // Returning nothing makes the agent wait for the callback (Agent#createSocket).
    return undefined as unknown as Duplex;
  }
}

/** The keep-alive agent for the upstream URL. */
export function upstreamAgent(upstream: URL, tls: UpstreamTls): HttpAgent | HttpsAgent {
  const common = { keepAlive: true, keepAliveMsecs: 1000 };
  if (upstream.protocol === 'http:') return new HttpAgent(common);
  const options: HttpsAgentOptions = {
    ...common,
    ...(tls.ca ? { ca: tls.ca } : {}),
    // Pinning replaces chain verification when no CA file is given (a self-signed cluster's
    // chain cannot verify), exactly as the admin client does.
    rejectUnauthorized: !tls.insecure && !(tls.caFingerprint && !tls.ca),
  };
  return tls.caFingerprint ? new PinnedHttpsAgent(options, tls.caFingerprint) : new HttpsAgent(options);
}
