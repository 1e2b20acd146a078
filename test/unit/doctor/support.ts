import type { AuditVerification } from '../../../src/core/audit/audit-event.js';
import type {
  AdminIdentity,
  ApiKeyInfo,
  ApiKeyPage,
  ClusterInfo,
  ClusterPort,
} from '../../../src/core/cluster-port.js';
import type { DirFacts, EnvFileFacts, LocalStatePort } from '../../../src/core/doctor/index.js';
import type { JournalEntry } from '../../../src/core/journal/journal-entry.js';

/**
 * What `_has_privileges` answers `true` for, stated literally by each test: cluster privilege
 * names, and per index pattern (exactly as asked) the privilege names; `restricted` answers the
 * questions asked with `allow_restricted_indices: true`. Everything not listed answers `false`.
 * Never computed by eskeys' privilege model, so a wrong model cannot make a test pass.
 */
export interface HeldPrivileges {
  readonly cluster?: readonly string[];
  readonly index?: Readonly<Record<string, readonly string[]>>;
  readonly restricted?: Readonly<Record<string, readonly string[]>>;
}

/** The admin of most tests: a native-realm user authenticated by password. */
export const ADMIN_IDENTITY: AdminIdentity = {
  username: 'eskeys-admin',
  roles: ['eskeys-admin'],
  authenticationRealm: { name: 'default_native', type: 'native' },
  authenticationType: 'realm',
};

/**
 * A ClusterPort for doctor's unit tests: answers `authenticate`, `clusterInfo`, the managed-key
 * count and key queries from a script (a value, or an error to throw), and `_has_privileges`
 * from the test's literal table of held privileges.
 */
export class ScriptedCluster implements ClusterPort {
  readonly url = 'https://es.example:9200';
  adminAuthKind: 'user' | 'api_key' = 'user';
  identity: AdminIdentity | Error;
  info: ClusterInfo | Error = { versionNumber: '8.19.3', buildFlavor: 'default' };
  managedKeyCount: number | Error = 2;
  /** What every key query answers (the test decides which query runs). */
  keys: ApiKeyInfo[] | Error = [];
  closed = false;

  constructor(
    readonly held: HeldPrivileges = {},
    username = 'eskeys-admin',
  ) {
    this.identity = { ...ADMIN_IDENTITY, username };
  }

  async authenticate(): Promise<AdminIdentity> {
    return answer(this.identity);
  }
  async clusterInfo(): Promise<ClusterInfo> {
    return answer(this.info);
  }
  async countManagedKeys(): Promise<number> {
    return answer(this.managedKeyCount);
  }
  async queryApiKeys(): Promise<ApiKeyPage> {
    const keys = answer(this.keys);
    return { total: keys.length, keys };
  }

  async hasPrivileges(req: {
    cluster?: string[];
    index?: { names: string[]; privileges: string[]; allow_restricted_indices?: boolean }[];
  }) {
    const cluster: Record<string, boolean> = {};
    for (const c of req.cluster ?? []) cluster[c] = (this.held.cluster ?? []).includes(c);
    const index: Record<string, Record<string, boolean>> = {};
    for (const e of req.index ?? []) {
      const table = (e.allow_restricted_indices ? this.held.restricted : this.held.index) ?? {};
      for (const n of e.names)
        for (const p of e.privileges) {
          index[n] ??= {};
          index[n][p] = (table[n] ?? []).includes(p);
        }
    }
    const hasAll = [
      ...Object.values(cluster),
      ...Object.values(index).flatMap((x) => Object.values(x)),
    ].every(Boolean);
    return { hasAll, cluster, index };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  createApiKey(): never {
    throw new Error('doctor must not create keys');
  }
  getApiKey(): never {
    throw new Error('doctor must not read keys by id');
  }
  findManagedKeys(): never {
    throw new Error('doctor must not list keys');
  }
  updateApiKey(): never {
    throw new Error('doctor must not update keys');
  }
  invalidateApiKeys(): never {
    throw new Error('doctor must not invalidate keys');
  }
  adminRequest(): never {
    throw new Error('doctor sends no raw request');
  }
  keyRequest(): never {
    throw new Error('doctor never acts as a key');
  }
}

function answer<T>(a: T | Error): T {
  if (a instanceof Error) throw a;
  return a;
}

/** An in-memory LocalStatePort: folders, files, a journal and an audit verdict. */
export class MemoryLocalState implements LocalStatePort {
  dirs = new Map<string, DirFacts>();
  envFiles = new Map<string, Omit<EnvFileFacts, 'dir'>>();
  modes = new Map<string, number>();
  entries: JournalEntry[] = [];
  audit: AuditVerification = { ok: true, entries: 0 };

  async directory(path: string): Promise<DirFacts> {
    return this.dirs.get(path) ?? { exists: true, writable: true };
  }
  async verifyAudit(): Promise<AuditVerification> {
    return this.audit;
  }
  async journal(): Promise<JournalEntry[]> {
    return this.entries;
  }
  async envFile(path: string): Promise<EnvFileFacts> {
    const f = this.envFiles.get(path) ?? { exists: false };
    return { ...f, dir: await this.directory(path.slice(0, path.lastIndexOf('/'))) };
  }
  async fileMode(path: string): Promise<number | undefined> {
    return this.modes.get(path);
  }
}
