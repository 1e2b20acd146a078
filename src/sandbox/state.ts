import { randomBytes } from 'node:crypto';
import { type Permission, type RoleDescriptor, SUPERUSER_DESCRIPTOR } from '../core/privileges/index.js';
import { SearchContexts } from './data/search-contexts.js';
import { type ApiKeyRecord, ApiKeyStore } from './security/api-key-store.js';
import { hashSecret, type StoredHash, VerificationCache } from './security/hashing.js';
import type { VersionProfile } from './version.js';

/** A native (or reserved) realm user. */
export interface UserRecord {
  username: string;
  passwordHash: StoredHash;
  roles: string[];
  full_name: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  enabled: boolean;
  /** `reserved` for elastic, `native` for users created through the API. */
  realm: { name: string; type: string };
}

/** A role in the native store (or the reserved superuser). */
export interface RoleRecord {
  name: string;
  descriptor: RoleDescriptor;
  reserved: boolean;
}

/** A stored application privilege (`PUT /_security/privilege`). */
export interface ApplicationPrivilegeRecord {
  application: string;
  name: string;
  actions: string[];
  metadata: Record<string, unknown>;
}

/** A stored document. */
export interface DocRecord {
  source: Record<string, unknown>;
  version: number;
  seqNo: number;
  primaryTerm: number;
}

/** A concrete index. */
export interface IndexRecord {
  name: string;
  uuid: string;
  creationDate: number;
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
  aliases: Map<string, Record<string, unknown>>;
  docs: Map<string, DocRecord>;
  /** The refreshed (searchable) view; searches see it, gets see `docs` (§ near-real-time). */
  searchable: Map<string, DocRecord>;
  lastRefresh: number;
  seqNo: number;
  /** Closed with `POST /{index}/_close`: metadata stays readable, documents do not (index_closed_exception). */
  closed?: boolean;
}

/**
 * A data stream: an append-only name whose documents live in hidden `.ds-` backing indices, the
 * last of which takes the writes (its generation is the stream's generation).
 */
export interface DataStreamRecord {
  name: string;
  /** Backing index names, oldest first; the last is the write index. */
  indices: string[];
  generation: number;
  /** The composable template (with `data_stream`) the stream was created from. */
  template: string;
}

/** Options for {@link SandboxState.seedApiKeys}. */
export interface SeedApiKeysOptions {
  count: number;
  /** Owner username (default `elastic`). */
  owner?: string;
  /** Metadata for every key, or a function of the key's position. */
  metadata?: Record<string, unknown> | ((i: number) => Record<string, unknown>);
  /** Name prefix (default `seed-key-`). */
  namePrefix?: string;
  /** Role descriptors for every key (default none: inherits the owner's). */
  roleDescriptors?: Record<string, RoleDescriptor>;
}

function parseDurationMs(raw: string, fallback: number): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(raw.trim());
  if (!m) return fallback;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return Number(m[1]) * unit[m[2]!]!;
}

/** Base64 UUIDs like ES's UUIDs.base64UUID(): 20 URL-safe characters. */
export function base64Uuid(): string {
  return randomBytes(15).toString('base64url');
}

/**
 * Everything the sandbox stores, reachable from tests and benchmarks for fast seeding and
 * inspection. Mutate through its methods so caches stay coherent.
 */
export class SandboxState {
  readonly users = new Map<string, UserRecord>();
  readonly roles = new Map<string, RoleRecord>();
  /** Application privileges by application, then by privilege name. */
  readonly applicationPrivileges = new Map<string, Map<string, ApplicationPrivilegeRecord>>();
  readonly apiKeys = new ApiKeyStore();
  readonly apiKeyAuthCache = new VerificationCache();
  readonly userAuthCache = new VerificationCache();
  readonly indices = new Map<string, IndexRecord>();
  readonly dataStreams = new Map<string, DataStreamRecord>();
  readonly indexTemplates = new Map<string, Record<string, unknown>>();
  readonly legacyTemplates = new Map<string, Record<string, unknown>>();
  readonly componentTemplates = new Map<string, Record<string, unknown>>();
  readonly ilmPolicies = new Map<
    string,
    { policy: Record<string, unknown>; version: number; modified: number }
  >();
  readonly pipelines = new Map<string, Record<string, unknown>>();
  /** Open scrolls and points in time. */
  readonly searchContexts = new SearchContexts();
  readonly clusterSettings = {
    persistent: {} as Record<string, unknown>,
    transient: {} as Record<string, unknown>,
  };
  /** Permissions built from role descriptors, keyed by principal; cleared on any role/user/key change. */
  readonly permissionCache = new Map<string, Permission>();
  readonly clusterUuid = base64Uuid().slice(0, 22);
  #lastRemoverRun: number;
  readonly nodeId = base64Uuid().slice(0, 22);

  constructor(
    readonly version: VersionProfile,
    readonly now: () => number,
  ) {
    this.roles.set('superuser', { name: 'superuser', descriptor: SUPERUSER_DESCRIPTOR, reserved: true });
    this.#lastRemoverRun = now();
  }

  /**
   * The expired/invalidated API key remover (§5 retention): at most once per
   * `xpack.security.authc.api_key.delete.interval` (24h), deletes keys invalidated or expired longer
   * than `…delete.retention_period` (7d) ago. ES starts its remover from the invalidate API
   * (ApiKeyService.indexInvalidation), not on a timer.
   */
  maybeRemoveOldApiKeys(): void {
    const now = this.now();
    const setting = (key: string, fallback: number) => {
      const raw = this.clusterSettings.transient[key] ?? this.clusterSettings.persistent[key];
      return raw === undefined || raw === null ? fallback : parseDurationMs(String(raw), fallback);
    };
    const interval = setting('xpack.security.authc.api_key.delete.interval', 86_400_000);
    if (now - this.#lastRemoverRun < interval) return;
    this.#lastRemoverRun = now;
    const retention = setting('xpack.security.authc.api_key.delete.retention_period', 7 * 86_400_000);
    const cutoff = now - retention;
    for (const k of [...this.apiKeys.all()]) {
      const invalidatedLongAgo = k.invalidated && (k.invalidation ?? 0) < cutoff;
      const expiredLongAgo = k.expiration !== null && k.expiration < cutoff;
      if (invalidatedLongAgo || expiredLongAgo) {
        this.apiKeys.remove(k);
        this.apiKeyAuthCache.evict(k.id);
      }
    }
  }

  /** Creates the bootstrap `elastic` user (realm `reserved`, role `superuser`). */
  async bootstrap(password: string): Promise<void> {
    this.#bootstrapHash = await hashSecret(password);
    this.users.set('elastic', this.#bootstrapElastic());
  }

  #bootstrapHash: StoredHash | undefined;

  #bootstrapElastic(): UserRecord {
    if (!this.#bootstrapHash) throw new Error('bug: the sandbox was not bootstrapped');
    return {
      username: 'elastic',
      passwordHash: this.#bootstrapHash,
      roles: ['superuser'],
      full_name: null,
      email: null,
      metadata: { _reserved: true },
      enabled: true,
      realm: { name: 'reserved', type: 'reserved' },
    };
  }

  /**
   * The security feature's reset (POST /_features/_reset deletes the `.security` index): native
   * users, native roles, API keys (cross-cluster ones too) and application privileges go; the
   * reserved `elastic` user is back to its bootstrap password, enabled; reserved roles stay.
   */
  resetSecurityFeature(): void {
    this.users.clear();
    this.users.set('elastic', this.#bootstrapElastic());
    for (const [name, role] of this.roles) if (!role.reserved) this.roles.delete(name);
    this.applicationPrivileges.clear();
    for (const key of [...this.apiKeys.all()]) this.apiKeys.remove(key);
    this.apiKeyAuthCache.evict();
    this.securityChanged();
  }

  /**
   * Whether Elasticsearch would hold a `.security` index now: it is created on the first write of
   * a security document (an API key, a native user, role or application privilege, or a changed
   * reserved user) and deleted by the security feature's reset.
   */
  holdsSecurityDocuments(): boolean {
    const elastic = this.users.get('elastic');
    return (
      !this.apiKeys.all().next().done ||
      this.users.size > 1 ||
      elastic === undefined ||
      elastic.passwordHash !== this.#bootstrapHash ||
      !elastic.enabled ||
      [...this.roles.values()].some((r) => !r.reserved) ||
      this.applicationPrivileges.size > 0
    );
  }

  /** The data the sandbox's full reset wipes besides security: indices, templates, pipelines, ILM, settings. */
  resetData(): void {
    this.indices.clear();
    this.dataStreams.clear();
    this.indexTemplates.clear();
    this.legacyTemplates.clear();
    this.componentTemplates.clear();
    this.ilmPolicies.clear();
    this.pipelines.clear();
    this.searchContexts.clear();
    this.clusterSettings.persistent = {};
    this.clusterSettings.transient = {};
  }

  /** Drops cached permissions and auth entries after a security change. */
  securityChanged(): void {
    this.permissionCache.clear();
    this.userAuthCache.evict();
  }

  /** The role descriptors of a user's roles that exist (missing ones are ignored, as ES does). */
  roleDescriptorsOf(user: UserRecord): Record<string, RoleDescriptor> {
    const out: Record<string, RoleDescriptor> = {};
    for (const r of user.roles) {
      const role = this.roles.get(r);
      if (role) out[r] = role.descriptor;
    }
    return out;
  }

  /**
   * Seeds API keys without per-key slow hashing: one secret and one stored hash are shared by the
   * whole batch, so 100,000 keys take well under a second. Returns the ids and the shared secret.
   */
  async seedApiKeys(opts: SeedApiKeysOptions): Promise<{ ids: string[]; secret: string }> {
    const owner = this.users.get(opts.owner ?? 'elastic');
    if (!owner) throw new Error(`sandbox: unknown seed owner [${opts.owner}]`);
    const secret = randomBytes(16).toString('base64url').slice(0, 22);
    const hash = await hashSecret(secret);
    const limitedBy = this.roleDescriptorsOf(owner);
    const ids: string[] = [];
    const base = this.now();
    // One random buffer for all ids: per-call randomBytes dominates seeding otherwise.
    const entropy = randomBytes(15 * opts.count);
    for (let i = 0; i < opts.count; i++) {
      const meta = typeof opts.metadata === 'function' ? opts.metadata(i) : (opts.metadata ?? {});
      const record: ApiKeyRecord = {
        id: entropy.toString('base64url', i * 15, i * 15 + 15),
        name: `${opts.namePrefix ?? 'seed-key-'}${i}`,
        type: 'rest',
        creation: base - (opts.count - i),
        expiration: null,
        invalidated: false,
        username: owner.username,
        realm: owner.realm.name,
        realmType: owner.realm.type,
        metadata: structuredClone(meta),
        roleDescriptors: opts.roleDescriptors ?? {},
        limitedBy,
        hash,
        owner: { full_name: owner.full_name, email: owner.email, metadata: owner.metadata },
        version: 1,
        seq: this.apiKeys.nextSeq(),
      };
      this.apiKeys.add(record);
      ids.push(record.id);
    }
    return { ids, secret };
  }

  /** Names of all concrete indices, sorted. */
  listIndices(): string[] {
    return [...this.indices.keys()].sort();
  }
}
