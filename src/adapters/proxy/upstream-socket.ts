/**
 * One connection to the upstream cluster, with the TLS rules of every other command: an https
 * upstream is verified against the system CAs or `--ca`; `--ca-fingerprint` pins a certificate
 * of the chain; `--insecure` turns verification off. The socket is handed out only once it is
 * usable, so no request byte (and no Authorization header) reaches a server that failed a check.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type DetailedPeerCertificate, type TLSSocket, connect as tlsConnect } from 'node:tls';

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
 * Opens a connection to the upstream; rejects with the connection or verification error, or,
 * given `timeoutMs`, when it is not usable by then (the socket is destroyed).
 */
export function connectUpstream(upstream: URL, tls: UpstreamTls, timeoutMs?: number): Promise<Socket> {
  const host = upstream.hostname.replace(/^\[(.*)\]$/, '$1');
  const secure = upstream.protocol === 'https:';
  const port = Number(upstream.port || (secure ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket: Socket = secure
      ? tlsConnect({
          host,
          port,
          ...(isIP(host) === 0 ? { servername: host } : {}),
          ...(tls.ca ? { ca: tls.ca } : {}),
          // Pinning replaces chain verification when no CA file is given (a self-signed
          // cluster's chain cannot verify), exactly as the admin client does.
          rejectUnauthorized: !tls.insecure && !(tls.caFingerprint && !tls.ca),
        })
      : netConnect({ host, port });
    // A timer of its own: a TLS socket's idle timeout is not armed before it connects.
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => fail(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      if (secure && tls.caFingerprint) {
        const chain = chainFingerprints((socket as TLSSocket).getPeerCertificate(true));
        if (!chain.includes(tls.caFingerprint)) {
          fail(
            new FingerprintMismatchError(
              'no certificate of the upstream matches the pinned CA fingerprint (--ca-fingerprint)',
            ),
          );
          return;
        }
      }
      socket.off('error', fail);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/**
 * Why the upstream cannot be reached now (`ECONNREFUSED`, `ENOTFOUND`, a TLS verification
 * error, `no answer within 3 s`), or undefined when a connection opens and passes the TLS checks.
 * Sends no byte: a connection is opened, checked and closed, so a warning can be given before
 * the application's first request gets a 502.
 */
export async function upstreamUnreachable(
  upstream: URL,
  tls: UpstreamTls,
  timeoutMs = 3000,
): Promise<string | undefined> {
  try {
    (await connectUpstream(upstream, tls, timeoutMs)).destroy();
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // An errno code says it all (ECONNREFUSED); eskeys' own errors say it in words.
    return code && /^E[A-Z]+$/.test(code) ? code : message;
  }
}
