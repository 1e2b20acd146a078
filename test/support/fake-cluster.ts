import { randomBytes } from 'node:crypto';
import type {
  AdminIdentity,
  ApiKeyInfo,
  ApiKeyPage,
  ClusterInfo,
  ClusterPort,
  CreateApiKeyRequest,
  CreatedApiKey,
} from '../../src/core/cluster-port.js';
import { ClusterUnavailableError } from '../../src/core/errors.js';
import type { Clock } from '../../src/core/ports.js';
import type { RawResponse } from '../../src/core/probes/probe-transport.js';
import { Secret } from '../../src/core/secret.js';

type Method = 'createApiKey' | 'findManagedKeys' | 'updateApiKey' | 'invalidateApiKeys';

interface StoredKey {
  id: string;
  name: string;
  creation: Date;
  expiration?: Date;
  invalidated: boolean;
  metadata: Record<string, unknown>;
  roleDescriptors: Record<string, unknown>;
  secret: string;
}

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function timeValueMs(v: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(v);
  if (!m) throw new Error(`fake cluster: unsupported TimeValue ${v}`);
  return Number(m[1]) * UNIT[m[2]!]!;
}

/**
 * An in-memory ClusterPort with the API-key semantics eskeys relies on (reference §4):
 * creation expiration = creation + duration, update expiration = now + duration, metadata
 * replaced wholesale, invalidated keys cannot be updated. Failures are injected per method.
 */
export class FakeCluster implements ClusterPort {
  adminAuthKind: 'user' | 'api_key' = 'user';
  readonly url = 'http://fake-cluster:9200';
  readonly keys = new Map<string, StoredKey>();
  readonly calls: string[] = [];
  /** Errors thrown by the next call of a method (consumed once). */
  readonly failNext = new Map<Method, Error>();
  /** Runs before each create (rival rotations in tests). */
  beforeCreate?: () => void;
  #seq = 0;
  version = '8.19.3';
  /**
   * What the admin lacks, stated literally: `_has_privileges` answers `false` for exactly these
   * cluster privileges and (index pattern, privilege) pairs, `true` for everything else. The
   * default lacks nothing: the admin is like the built-in `superuser`, whose role grants cluster
   * `all` and `all` on every index, restricted ones included (Elasticsearch ReservedRolesStore).
   * Never computed by eskeys' own privilege model, so a wrong model cannot pass the tests.
   */
  adminLacks: { cluster: readonly string[]; index: Readonly<Record<string, readonly string[]>> } = {
    cluster: [],
    index: {},
  };

  constructor(private readonly clock: Clock) {}

  /** The admin's role lost these privileges on the cluster (literal, see adminLacks). */
  setAdminLacks(lacks: {
    cluster?: readonly string[];
    index?: Readonly<Record<string, readonly string[]>>;
  }): void {
    this.adminLacks = { cluster: lacks.cluster ?? [], index: lacks.index ?? {} };
  }

  #fail(m: Method): void {
    this.calls.push(m);
    const e = this.failNext.get(m);
    if (e) {
      this.failNext.delete(m);
      throw e;
    }
  }

  /** The secret strings of every key minted (for leak assertions). */
  secrets(): string[] {
    return [...this.keys.values()].flatMap((k) => [
      k.secret,
      Buffer.from(`${k.id}:${k.secret}`).toString('base64'),
    ]);
  }

  /** Keys still accepted (not invalidated, not expired). */
  validKeys(): StoredKey[] {
    const now = this.clock.now().getTime();
    return [...this.keys.values()].filter(
      (k) => !k.invalidated && (!k.expiration || k.expiration.getTime() > now),
    );
  }

  async authenticate(): Promise<AdminIdentity> {
    return {
      username: 'admin',
      roles: ['superuser'],
      authenticationRealm: { name: 'native1', type: 'native' },
      authenticationType: 'realm',
    };
  }
  async clusterInfo(): Promise<ClusterInfo> {
    return { versionNumber: this.version, buildFlavor: 'default', clusterName: 'fake' };
  }
  async countManagedKeys(): Promise<number> {
    return [...this.keys.values()].filter((k) => k.metadata.managed_by === 'eskeys').length;
  }
  async createApiKey(req: CreateApiKeyRequest): Promise<CreatedApiKey> {
    this.#fail('createApiKey');
    this.beforeCreate?.();
    const id = `fakekey${String(++this.#seq).padStart(13, '0')}`;
    const secret = randomBytes(16).toString('base64url');
    const creation = this.clock.now();
    const expiration = req.expiration
      ? new Date(creation.getTime() + timeValueMs(req.expiration))
      : undefined;
    this.keys.set(id, {
      id,
      name: req.name,
      creation,
      expiration,
      invalidated: false,
      metadata: structuredClone({ ...req.metadata }),
      roleDescriptors: structuredClone({ ...req.roleDescriptors }) as Record<string, unknown>,
      secret,
    });
    return {
      id,
      name: req.name,
      expiration,
      encoded: new Secret(Buffer.from(`${id}:${secret}`).toString('base64')),
    };
  }
  #info(k: StoredKey): ApiKeyInfo {
    return {
      id: k.id,
      name: k.name,
      creation: k.creation,
      expiration: k.expiration,
      invalidated: k.invalidated,
      username: 'admin',
      realm: 'native1',
      metadata: structuredClone(k.metadata),
      roleDescriptors: structuredClone(k.roleDescriptors) as never,
    };
  }
  /** Seeds a key directly (as if minted earlier). */
  seed(k: Partial<StoredKey> & { metadata: Record<string, unknown> }): StoredKey {
    const id = k.id ?? `seedkey${String(++this.#seq).padStart(13, '0')}`;
    const stored: StoredKey = {
      id,
      name: k.name ?? id,
      creation: k.creation ?? this.clock.now(),
      expiration: k.expiration,
      invalidated: k.invalidated ?? false,
      metadata: k.metadata,
      roleDescriptors: k.roleDescriptors ?? {},
      secret: k.secret ?? randomBytes(16).toString('base64url'),
    };
    this.keys.set(id, stored);
    return stored;
  }
  async getApiKey(id: string): Promise<ApiKeyInfo | undefined> {
    const k = this.keys.get(id);
    return k ? this.#info(k) : undefined;
  }
  async queryApiKeys(): Promise<ApiKeyPage> {
    const keys = [...this.keys.values()].map((k) => this.#info(k));
    return { total: keys.length, keys };
  }
  async findManagedKeys(filter: { template?: string; environment?: string } = {}): Promise<ApiKeyInfo[]> {
    this.#fail('findManagedKeys');
    return [...this.keys.values()]
      .filter(
        (k) =>
          k.metadata.managed_by === 'eskeys' &&
          (!filter.template || k.metadata.template === filter.template) &&
          (!filter.environment || k.metadata.environment === filter.environment),
      )
      .map((k) => this.#info(k));
  }
  async updateApiKey(
    id: string,
    req: { metadata?: Record<string, unknown>; expiration?: string },
  ): Promise<{ updated: boolean; expirationApplied?: boolean }> {
    this.#fail('updateApiKey');
    const k = this.keys.get(id);
    if (!k) throw new ClusterUnavailableError(`no API key owned by requesting user found for ID [${id}]`);
    if (k.invalidated) throw new ClusterUnavailableError(`cannot update invalidated API key [${id}]`);
    if (req.metadata) k.metadata = structuredClone(req.metadata);
    if (!req.expiration) return { updated: true };
    // Before 8.13 the update API has no expiration; the ES adapter falls back to metadata only.
    const [ma = 0, mi = 0] = this.version.split('.').map(Number);
    if (ma < 8 || (ma === 8 && mi < 13)) return { updated: true, expirationApplied: false };
    k.expiration = new Date(this.clock.now().getTime() + timeValueMs(req.expiration));
    return { updated: true, expirationApplied: true };
  }
  async invalidateApiKeys(ids: readonly string[]): Promise<{ invalidated: string[] }> {
    this.#fail('invalidateApiKeys');
    const out: string[] = [];
    for (const id of ids) {
      const k = this.keys.get(id);
      if (k && !k.invalidated) {
        k.invalidated = true;
        out.push(id);
      }
    }
    return { invalidated: out };
  }
  async adminRequest(): Promise<RawResponse> {
    return { status: 200, body: {} };
  }
  async keyRequest(): Promise<RawResponse> {
    return { status: 200, body: {} };
  }
  async hasPrivileges(req: {
    cluster?: string[];
    index?: { names: string[]; privileges: string[]; allow_restricted_indices?: boolean }[];
  }) {
    this.calls.push('hasPrivileges');
    const cluster: Record<string, boolean> = {};
    for (const c of req.cluster ?? []) cluster[c] = !this.adminLacks.cluster.includes(c);
    const index: Record<string, Record<string, boolean>> = {};
    for (const e of req.index ?? [])
      for (const n of e.names)
        for (const p of e.privileges) {
          index[n] ??= {};
          index[n][p] = !(this.adminLacks.index[n] ?? []).includes(p);
        }
    const hasAll = [
      ...Object.values(cluster),
      ...Object.values(index).flatMap((x) => Object.values(x)),
    ].every(Boolean);
    return { hasAll, cluster, index };
  }
  async close(): Promise<void> {}
}
