/**
 * Which Elasticsearch majors know each named privilege. Core's privilege tables hold the union
 * of the majors eskeys supports (8.19 and 9.1, the sandbox's profiles); a name listed here exists
 * only in the majors given, and Elasticsearch refuses it as unknown on the others (create/update
 * API key, put role, `_has_privileges`). Names not listed exist in every supported major.
 * Evidence per name: docs/es-facts.md, "Privileges per major (issue 12)".
 */

/** The Elasticsearch majors the privilege model covers, oldest first. */
export const SUPPORTED_MAJORS: readonly number[] = [8, 9];

/** Which kind of privilege a name is: cluster or index. */
export type PrivilegeKind = 'cluster' | 'index';

/**
 * Named privileges that exist only in some supported majors: name → those majors.
 * `monitor_esql` came with the ES|QL query listing API, GA in 9.1; 8.19 has neither.
 */
const ONLY_IN_MAJORS: Readonly<Record<PrivilegeKind, Readonly<Record<string, readonly number[]>>>> = {
  cluster: { monitor_esql: [9] },
  index: {},
};

/** A major outside the supported range is taken as the nearest supported one. */
function supportedMajor(major: number): number {
  const oldest = SUPPORTED_MAJORS[0]!;
  const newest = SUPPORTED_MAJORS[SUPPORTED_MAJORS.length - 1]!;
  return Math.min(Math.max(major, oldest), newest);
}

/** The majors that know privilege `name` (case-insensitive); every supported major unless listed. */
export function majorsWithPrivilege(kind: PrivilegeKind, name: string): readonly number[] {
  return ONLY_IN_MAJORS[kind][name.toLowerCase()] ?? SUPPORTED_MAJORS;
}

/** True when named privilege `name` exists in Elasticsearch `major` (undefined: any supported major). */
export function privilegeExistsIn(kind: PrivilegeKind, name: string, major: number | undefined): boolean {
  if (major === undefined) return true;
  return majorsWithPrivilege(kind, name).includes(supportedMajor(major));
}

/** True when named privilege `name` exists in only some of the supported majors. */
export function isMajorSpecificPrivilege(kind: PrivilegeKind, name: string): boolean {
  return majorsWithPrivilege(kind, name).length < SUPPORTED_MAJORS.length;
}
