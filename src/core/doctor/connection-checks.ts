import type { ConnectionSettings } from '../config/connection.js';
import { check, type DoctorCheck } from './check.js';

/** True for names that never leave the machine (plain http there exposes nothing on a network). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function source(settings: ConnectionSettings, key: string): string {
  const s = settings.sources[key];
  return s ? ` (${s})` : '';
}

/**
 * The connection settings (where each came from, never a secret) and the TLS posture: https with
 * verification is ok; `--insecure` and plain http to another machine work but warn, because the
 * admin password and every minted key then cross the network unprotected or to an unverified peer.
 */
export function connectionChecks(settings: ConnectionSettings | { error: string }): DoctorCheck[] {
  if ('error' in settings) {
    return [
      check('connection', 'settings', 'fail', settings.error, {
        fix: "set ESKEYS_URL and ESKEYS_USERNAME/ESKEYS_PASSWORD (environment, .eskeys.env or the environment's credentials_file)",
        failure: 'config',
      }),
    ];
  }
  const who =
    settings.auth.kind === 'basic'
      ? `user ${settings.auth.username}${source(settings, 'username')}`
      : `API key${source(settings, 'apiKey')}`;
  const out: DoctorCheck[] = [];
  if (settings.sources.password === 'flag' || settings.sources.apiKey === 'flag') {
    out.push(
      check(
        'connection',
        'settings',
        'warn',
        `${settings.url}${source(settings, 'url')} as ${who}; the secret was given as a flag`,
        {
          fix: 'a secret on the command line lands in shell history and `ps`; use ESKEYS_PASSWORD / ESKEYS_API_KEY or .eskeys.env',
        },
      ),
    );
  } else {
    out.push(check('connection', 'settings', 'ok', `${settings.url}${source(settings, 'url')} as ${who}`));
  }
  out.push(tlsCheck(settings));
  return out;
}

function tlsCheck(settings: ConnectionSettings): DoctorCheck {
  const url = new URL(settings.url);
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) {
      return check('connection', 'tls', 'ok', `plain http to ${url.hostname} (this machine only)`);
    }
    return check(
      'connection',
      'tls',
      'warn',
      `plain http to ${url.hostname}: the admin credentials and every minted key cross the network in clear`,
      { fix: 'serve Elasticsearch over https and use an https:// URL (with --ca or --ca-fingerprint)' },
    );
  }
  if (settings.insecure) {
    return check(
      'connection',
      'tls',
      'warn',
      `https without certificate verification (--insecure${settings.sources.insecure === 'flag' ? '' : ' / ESKEYS_INSECURE'}): anyone in the path can pose as the cluster`,
      {
        fix: 'verify the cluster instead: --ca FILE (ESKEYS_CA_CERT) or --ca-fingerprint SHA256 (ESKEYS_CA_FINGERPRINT)',
      },
    );
  }
  if (settings.caFingerprint) {
    return check(
      'connection',
      'tls',
      'ok',
      `https, CA pinned by SHA-256 fingerprint${source(settings, 'caFingerprint')}`,
    );
  }
  if (settings.caCertPath) {
    return check(
      'connection',
      'tls',
      'ok',
      `https, verified against CA file ${settings.caCertPath}${source(settings, 'ca')}`,
    );
  }
  return check('connection', 'tls', 'ok', 'https, verified against the system trust store');
}
