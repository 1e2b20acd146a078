/** A release as `major.minor`, the part of a version that decides which handlers and privileges it ships. */
export interface Release {
  readonly major: number;
  readonly minor: number;
}

/** An Elasticsearch version as `GET /` reports it. */
export interface EsVersion extends Release {
  readonly number: string;
  readonly serverless: boolean;
}

/** Parses `8.19.3`, `9.1.0-SNAPSHOT`; undefined for anything else. */
export function parseEsVersion(number: unknown, buildFlavor?: unknown): EsVersion | undefined {
  if (typeof number !== 'string') return undefined;
  const m = /^(\d+)\.(\d+)(?:\.\d+)?/.exec(number);
  if (!m) return undefined;
  return { number, major: Number(m[1]), minor: Number(m[2]), serverless: buildFlavor === 'serverless' };
}

/** True when `release` is at least `major.minor`. */
export function atLeast(release: Release, major: number, minor: number): boolean {
  return release.major > major || (release.major === major && release.minor >= minor);
}
