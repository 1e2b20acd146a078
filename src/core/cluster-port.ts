import type { RoleDescriptor } from './privileges/role.js';
import type { ProbeTransport } from './probes/probe-transport.js';
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

/**
 * Who the admin identity is, as `_authenticate` reports it (it needs no privilege).
 */
export interface AdminIdentity {
  readonly username: string;
  readonly roles: readonly string[];
  /** The realm that authenticated the request (`_es_api_key` for an API key). */
  readonly authenticationRealm?: { readonly name: string; readonly type: string };
  /** The realm the user was looked up in, when it differs (run-as, delegated PKI, ...). */
  readonly lookupRealm?: { readonly name: string; readonly type?: string };
  /** `realm`, `api_key`, `token`, `anonymous`, `internal`. */
  readonly authenticationType?: string;
  /** The admin key itself, when the admin is an API key. */
  readonly apiKey?: { readonly id?: string; readonly name?: string };
}

/** What `GET /` reports about the cluster (it needs the `monitor` cluster privilege). */
export interface ClusterInfo {
  /** `version.number`, e.g. `8.19.3`, `9.1.0-SNAPSHOT`. */
  readonly versionNumber: string;
  /** `version.build_flavor`: `default`, or `serverless` on Elastic Cloud Serverless. */
  readonly buildFlavor?: string;
  readonly clusterName?: string;
}

/**
 * Everything the core asks of a cluster, in domain terms, as the admin identity.
 * The Elasticsearch adapter implements it over the official client and parses every answer;
 * errors come back as eskeys errors (AuthenticationError, AuthorizationError,
 * ClusterUnavailableError, ClusterResponseError, ...) carrying the cluster's answer when there
 * was one (`clusterAnswerOf`), never as client errors. The raw requests of ProbeTransport are
 * for probes and canaries only.
 */
export interface ClusterPort extends ProbeTransport {
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
  /** Who the admin is (`GET /_security/_authenticate`). */
  authenticate(): Promise<AdminIdentity>;
  /** Version and name of the cluster (`GET /`, which needs `monitor`). */
  clusterInfo(): Promise<ClusterInfo>;
  /**
   * How many keys tagged `managed_by: eskeys` the admin may see (the query API's exact total,
   * no key read). Fails with `answer.disabledFeature === 'api_keys'` when the API key service is off.
   */
  countManagedKeys(): Promise<number>;
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

/** Metadata keys eskeys writes on every key it mints (docs/ROTATION.md). */
export const MANAGED_BY = 'eskeys';
