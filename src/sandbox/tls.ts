import { X509Certificate } from 'node:crypto';
import selfsigned from 'selfsigned';

/** A generated certificate for the HTTPS sandbox. */
export interface SandboxCertificate {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, hex without colons (accepted by the client's caFingerprint). */
  fingerprint: string;
}

/** Generates a self-signed CA-flagged certificate for localhost/127.0.0.1 (selfsigned). */
export async function generateCertificate(host: string): Promise<SandboxCertificate> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'eskeys-sandbox' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          ...(host !== '127.0.0.1' && host !== 'localhost' && host !== '0.0.0.0'
            ? [/^[\d.]+$/.test(host) ? { type: 7 as const, ip: host } : { type: 2 as const, value: host }]
            : []),
        ],
      },
    ],
  });
  const fingerprint = new X509Certificate(pems.cert).fingerprint256.replaceAll(':', '');
  return { key: pems.private, cert: pems.cert, fingerprint };
}
