import type { AuditVerification } from '../../../src/core/audit/audit-event.js';
import type { ClusterPort, RawRequest, RawResponse } from '../../../src/core/cluster-port.js';
import type { DirFacts, EnvFileFacts, LocalStatePort } from '../../../src/core/doctor/index.js';
import type { JournalEntry } from '../../../src/core/journal/journal-entry.js';
import { Role, type RoleDescriptor, SUPERUSER_DESCRIPTOR } from '../../../src/core/privileges/role.js';

/**
 * A ClusterPort for doctor's unit tests: answers `_authenticate`, `GET /` and the query API from
 * a script, and `_has_privileges` from the real privilege model (src/core/privileges/role.ts) of
 * the admin's role descriptors, so the tests assert real outcomes of real privilege questions.
 */
export class ScriptedCluster implements ClusterPort {
  readonly url = 'https://es.example:9200';
  adminAuthKind: 'user' | 'api_key' = 'user';
  /** Raw answers by `METHOD path`; a function may throw (a connection error). */
  readonly answers = new Map<string, RawResponse | (() => RawResponse)>();
  role: Role;
  closed = false;

  constructor(descriptors: RoleDescriptor[] = [SUPERUSER_DESCRIPTOR], username = 'eskeys-admin') {
    this.role = Role.fromDescriptors(descriptors);
    this.answers.set('GET /_security/_authenticate', {
      status: 200,
      body: {
        username,
        roles: ['eskeys-admin'],
        authentication_realm: { name: 'default_native', type: 'native' },
        authentication_type: 'realm',
      },
    });
    this.answers.set('GET /', {
      status: 200,
      body: { version: { number: '8.19.3', build_flavor: 'default' } },
    });
    this.answers.set('POST /_security/_query/api_key', {
      status: 200,
      body: { total: 2, count: 0, api_keys: [] },
    });
  }

  async adminRequest(req: RawRequest): Promise<RawResponse> {
    const a = this.answers.get(`${req.method} ${req.path}`);
    if (!a) throw new Error(`scripted cluster: no answer for ${req.method} ${req.path}`);
    return typeof a === 'function' ? a() : a;
  }

  async hasPrivileges(req: {
    cluster?: string[];
    index?: { names: string[]; privileges: string[]; allow_restricted_indices?: boolean }[];
  }) {
    const cluster: Record<string, boolean> = {};
    for (const c of req.cluster ?? []) cluster[c] = this.role.hasClusterPrivilege(c);
    const index: Record<string, Record<string, boolean>> = {};
    for (const e of req.index ?? [])
      for (const n of e.names)
        for (const p of e.privileges) {
          index[n] ??= {};
          index[n][p] = this.role.hasIndexPrivilege(n, p, e.allow_restricted_indices === true);
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
  queryApiKeys(): never {
    throw new Error('doctor counts keys with a raw size-0 query');
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
  keyRequest(): never {
    throw new Error('doctor never acts as a key');
  }
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
