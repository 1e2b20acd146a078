/** The Elasticsearch version the sandbox impersonates, with the behaviour switches that depend on it. */
export interface VersionProfile {
  readonly number: string;
  readonly major: number;
  readonly minor: number;
  readonly luceneVersion: string;
  readonly minimumWireCompatibilityVersion: string;
  readonly minimumIndexCompatibilityVersion: string;
  readonly buildHash: string;
  readonly buildDate: string;
}

const PROFILES: Record<string, Omit<VersionProfile, 'number' | 'major' | 'minor'>> = {
  '8': {
    luceneVersion: '9.12.2',
    minimumWireCompatibilityVersion: '7.17.0',
    minimumIndexCompatibilityVersion: '7.0.0',
    buildHash: '0d0a6fd2d8e3a2b9c4e1f7a35c2b8e1d9a4f6c70',
    buildDate: '2026-06-10T09:12:44.123456789Z',
  },
  '9': {
    luceneVersion: '10.2.2',
    minimumWireCompatibilityVersion: '8.19.0',
    minimumIndexCompatibilityVersion: '8.0.0',
    buildHash: '5f8d1e4b7a2c9e0f3d6b8a1c4e7f0a2d5b8c1e3f',
    buildDate: '2026-07-09T22:10:13.578182715Z',
  },
};

/** Default full versions of the `8` and `9` profiles. */
export const DEFAULT_VERSIONS: Record<string, string> = { '8': '8.19.3', '9': '9.1.4' };

/** Resolves `'8'`, `'9'` or a full `x.y.z` into a profile (defaults to the 8.x profile). */
export function resolveVersion(v: string | undefined): VersionProfile {
  const full = DEFAULT_VERSIONS[v ?? '8'] ?? v ?? '8.19.3';
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(full);
  if (!m) throw new Error(`sandbox: unsupported version [${full}]; use 8, 9 or a full x.y.z`);
  const major = Number(m[1]);
  const base = PROFILES[String(major)] ?? PROFILES['8']!;
  return { number: full, major, minor: Number(m[2]), ...base };
}

// A profile is a Release: the sandbox compares it with the same function core uses.
export { atLeast } from '../core/es-version.js';
