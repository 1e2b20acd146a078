import type { RoleDescriptor } from './privileges/role.js';
import type { Secret } from './secret.js';

/** An API key as the cluster reports it (get/query API), in domain terms. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly creation: Date;
  readonly expiration?: Date;
  readonly invalidated: boolean;
  readonly invalidation?: Date;
  readonly username: string;
  readonly realm: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly roleDescriptors?: Readonly<Record<string, RoleDescriptor>>;
  /** `rest` or `cross_cluster` (8.10+; absent on older clusters, where every key is `rest`). */
  readonly type?: string;
  /** The owner's realm type (8.14+), e.g. `native`, `reserved`, `file`. */
  readonly realmType?: string;
  /**
   * The owner's role descriptors snapshotted at creation or last update (reference §5), when
   * the query asked `withLimitedBy`: the key may do at most what these allow.
   */
  readonly limitedBy?: Readonly<Record<string, RoleDescriptor>>;
}

/** A freshly minted key; `encoded` is base64(id:api_key), the value consumers put in `Authorization: ApiKey`. */
export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  readonly expiration?: Date;
  readonly encoded: Secret;
}

/** Request to mint a key. */
export interface CreateApiKeyRequest {
  readonly name: string;
  readonly roleDescriptors: Readonly<Record<string, RoleDescriptor>>;
  /** Elasticsearch TimeValue (`7776000s`, `97d`); absent = never expires. */
  readonly expiration?: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A page of keys from the query API. */
export interface ApiKeyPage {
  readonly total: number;
  readonly keys: readonly ApiKeyInfo[];
  /** Pass back as `after` for the next page; absent on the last page. */
  readonly after?: readonly unknown[];
}

/** A raw HTTP exchange, for probes and canaries. */
export interface RawRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly querystring?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** ndjson lines for _bulk. */
  readonly bulkBody?: readonly unknown[];
}

/** The status and parsed body of a raw exchange (never throws for HTTP statuses). */
export interface RawResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Everything the core asks of a cluster, in domain terms, as the admin identity.
 * The Elasticsearch adapter implements it over the official client; errors come back as
 * eskeys errors (AuthenticationError, ClusterUnavailableError, ...), never as client errors.
 */
export interface ClusterPort {
  readonly url: string;
  /**
   * How the admin identity authenticates, known from the connection settings without a
   * request: `api_key` admins cannot mint keys with privileges (reference §5) or update keys.
   */
  readonly adminAuthKind?: 'user' | 'api_key';
  /**
   * The admin user's name, from the connection settings (absent for an API-key admin).
   * Elasticsearch lets only a key's owner update it (reference §4.6), so rotation checks it
   * against the owner of the key it would retire.
   */
  readonly adminUsername?: string;
  createApiKey(req: CreateApiKeyRequest): Promise<CreatedApiKey>;
  getApiKey(id: string): Promise<ApiKeyInfo | undefined>;
  /** One page of the query API; `query` is the query DSL subset the API accepts. */
  queryApiKeys(req: {
    query?: Record<string, unknown>;
    sort?: readonly unknown[];
    size?: number;
    after?: readonly unknown[];
    /** Also return each key's owner snapshot (`with_limited_by`, 8.5+). */
    withLimitedBy?: boolean;
  }): Promise<ApiKeyPage>;
  /** Keys tagged `managed_by: eskeys`, optionally narrowed to one template and environment (all pages). */
  findManagedKeys(filter?: { template?: string; environment?: string }): Promise<ApiKeyInfo[]>;
  /**
   * Replaces metadata and/or sets expiration (now + duration). `expirationApplied` is false
   * when the cluster predates expiration updates (8.13) and the update went through without it.
   */
  updateApiKey(
    id: string,
    req: { metadata?: Record<string, unknown>; expiration?: string },
  ): Promise<{ updated: boolean; expirationApplied?: boolean }>;
  invalidateApiKeys(ids: readonly string[]): Promise<{ invalidated: string[] }>;
  /** Sends a raw request as the admin identity (canary setup/teardown). */
  adminRequest(req: RawRequest): Promise<RawResponse>;
  /** Sends a raw request authenticated as the given encoded API key (probes). */
  keyRequest(encodedKey: Secret, req: RawRequest): Promise<RawResponse>;
  /** _has_privileges as the given key (or the admin when absent). */
  hasPrivileges(
    req: {
      cluster?: string[];
      index?: { names: string[]; privileges: string[]; allow_restricted_indices?: boolean }[];
    },
    encodedKey?: Secret,
  ): Promise<{
    hasAll: boolean;
    cluster: Record<string, boolean>;
    index: Record<string, Record<string, boolean>>;
  }>;
  close(): Promise<void>;
}

/** Metadata keys eskeys writes on every key it mints (DESIGN.md "create"). */
export const MANAGED_BY = 'eskeys';
