import type { Client } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import type { z } from 'zod';
import type {
  AdminIdentity,
  ApiKeyInfo,
  ApiKeyPage,
  ClusterInfo,
  ClusterPort,
  CreateApiKeyRequest,
  CreatedApiKey,
} from '../../core/cluster-port.js';
import { MANAGED_BY } from '../../core/cluster-port.js';
import type { ConnectionSettings } from '../../core/config/connection.js';
import type { RoleDescriptor } from '../../core/privileges/role.js';
import type { RawRequest, RawResponse } from '../../core/probes/probe-transport.js';
import type { Secret } from '../../core/secret.js';
import { type ClientFactoryOptions, createAdminClient, keyClient } from './client-factory.js';
import { clusterAnswerFrom, errorFromAnswer, mapEsError } from './map-error.js';
import {
  type apiKeySchema,
  authenticateSchema,
  countApiKeysSchema,
  createdKeyFrom,
  getApiKeySchema,
  hasPrivilegesSchema,
  infoSchema,
  invalidateApiKeysSchema,
  parseResponse,
  queryApiKeysSchema,
  RAW_RESPONSE_SCHEMAS,
  updateApiKeySchema,
} from './response-schemas.js';
import { type RetryPolicy, withRetry } from './retry.js';

/** Options of the Elasticsearch adapter. */
export interface EsClusterOptions extends ClientFactoryOptions {
  retry?: Partial<RetryPolicy>;
  /** Page size for query-API scans; default 1000. */
  pageSize?: number;
}

/** A key of the get/query APIs, as validated by apiKeySchema. */
type EsApiKey = z.output<typeof apiKeySchema>;

function toInfo(k: EsApiKey): ApiKeyInfo {
  return {
    id: k.id,
    name: k.name ?? '',
    creation: new Date(k.creation),
    expiration: k.expiration !== undefined && k.expiration !== null ? new Date(k.expiration) : undefined,
    invalidated: k.invalidated,
    invalidation:
      k.invalidation !== undefined && k.invalidation !== null ? new Date(k.invalidation) : undefined,
    username: k.username,
    realm: k.realm,
    metadata: k.metadata ?? {},
    roleDescriptors: (k.role_descriptors ?? undefined) as Record<string, RoleDescriptor> | undefined,
    ...(k.type !== undefined ? { type: k.type } : {}),
    ...(k.realm_type !== undefined ? { realmType: k.realm_type } : {}),
    // One owner snapshot per key (an array of one object on the wire, reference §4.3).
    ...(k.limited_by
      ? { limitedBy: Object.assign({}, ...k.limited_by) as Record<string, RoleDescriptor> }
      : {}),
  };
}

/** A 400 from a parser that does not know the update API's `expiration` field (pre-8.13). */
function rejectsExpirationField(error: unknown): boolean {
  if (!(error instanceof errors.ResponseError) || error.meta.statusCode !== 400) return false;
  return /unknown field \[expiration\]/.test(JSON.stringify(error.meta.body ?? ''));
}

/** ClusterPort over the official client. Every error leaves as an eskeys error (mapEsError). */
export class EsCluster implements ClusterPort {
  readonly url: string;
  readonly adminAuthKind?: 'user' | 'api_key';
  readonly adminUsername?: string;
  readonly #client: Client;
  readonly #opts: EsClusterOptions;

  constructor(
    client: Client,
    url: string,
    opts: EsClusterOptions = {},
    adminAuthKind?: 'user' | 'api_key',
    adminUsername?: string,
  ) {
    this.#client = client;
    this.url = url;
    this.#opts = opts;
    this.adminAuthKind = adminAuthKind;
    this.adminUsername = adminUsername;
  }

  async #call<T>(doing: string, fn: () => Promise<T>, idempotent = true): Promise<T> {
    try {
      return idempotent ? await withRetry(fn, this.#opts.retry) : await fn();
    } catch (error) {
      throw mapEsError(error, this.url, doing);
    }
  }

  /**
   * Sends a request whose 200 answer is read as data; any other status becomes the eskeys error
   * of that answer (errorFromAnswer), so the caller sees the status, type and reason as fields.
   * Retried like every idempotent call on connection failures only, as before: an error status
   * is reported, not waited out.
   */
  async #read<S extends z.ZodType>(
    api: string,
    doing: string,
    req: RawRequest,
    schema: S,
  ): Promise<z.output<S>> {
    const res = await this.#call(doing, () => rawRequest(this.#client, req));
    if (res.status !== 200) throw errorFromAnswer(this.url, doing, clusterAnswerFrom(res.status, res.body));
    return parseResponse(this.url, api, schema, res.body);
  }

  async authenticate(): Promise<AdminIdentity> {
    const r = await this.#read(
      'authenticate',
      'authenticating',
      { method: 'GET', path: '/_security/_authenticate' },
      authenticateSchema,
    );
    return {
      username: r.username,
      roles: r.roles,
      ...(r.authentication_realm ? { authenticationRealm: r.authentication_realm } : {}),
      ...(r.lookup_realm ? { lookupRealm: r.lookup_realm } : {}),
      ...(r.authentication_type !== undefined ? { authenticationType: r.authentication_type } : {}),
      ...(r.api_key
        ? {
            apiKey: {
              ...(r.api_key.id !== undefined ? { id: r.api_key.id } : {}),
              ...(typeof r.api_key.name === 'string' ? { name: r.api_key.name } : {}),
            },
          }
        : {}),
    };
  }

  async clusterInfo(): Promise<ClusterInfo> {
    const r = await this.#read('info (GET /)', 'reading GET /', { method: 'GET', path: '/' }, infoSchema);
    return {
      versionNumber: r.version.number,
      ...(r.version.build_flavor !== undefined ? { buildFlavor: r.version.build_flavor } : {}),
      ...(r.cluster_name !== undefined ? { clusterName: r.cluster_name } : {}),
    };
  }

  async countManagedKeys(): Promise<number> {
    const r = await this.#read(
      'query API keys',
      'counting managed API keys',
      {
        method: 'POST',
        path: '/_security/_query/api_key',
        body: { size: 0, query: { term: { 'metadata.managed_by': MANAGED_BY } } },
      },
      countApiKeysSchema,
    );
    return r.total;
  }

  createApiKey(req: CreateApiKeyRequest): Promise<CreatedApiKey> {
    // Not retried: a retry after a lost response could mint a second key. The caller finds
    // any such orphan by its metadata (the invariant that no key is orphaned, docs/ROTATION.md).
    return this.#call(
      `creating API key ${req.name}`,
      async () => {
        const r = await this.#client.security.createApiKey({
          name: req.name,
          role_descriptors: req.roleDescriptors as never,
          expiration: req.expiration,
          metadata: req.metadata as never,
          refresh: 'wait_for',
        });
        const k = createdKeyFrom(this.url, r);
        return {
          id: k.id,
          name: k.name,
          expiration: k.expiration !== undefined ? new Date(k.expiration) : undefined,
          encoded: k.encoded,
        };
      },
      false,
    );
  }

  getApiKey(id: string): Promise<ApiKeyInfo | undefined> {
    return this.#call(`reading API key ${id}`, async () => {
      try {
        const r = parseResponse(
          this.url,
          'get API key',
          getApiKeySchema,
          await this.#client.security.getApiKey({ id }),
        );
        const k = r.api_keys[0];
        return k ? toInfo(k) : undefined;
      } catch (error) {
        if (error instanceof errors.ResponseError && error.meta.statusCode === 404) return undefined;
        throw error;
      }
    });
  }

  queryApiKeys(req: {
    query?: Record<string, unknown>;
    sort?: readonly unknown[];
    size?: number;
    after?: readonly unknown[];
    withLimitedBy?: boolean;
  }): Promise<ApiKeyPage> {
    return this.#call('querying API keys', async () => {
      const body: Record<string, unknown> = { size: req.size ?? this.#opts.pageSize ?? 1000 };
      if (req.query) body.query = req.query;
      body.sort = req.sort ?? [{ creation: 'asc' }, { name: 'asc' }];
      if (req.after) body.search_after = req.after;
      const r = parseResponse(
        this.url,
        'query API keys',
        queryApiKeysSchema,
        await this.#client.transport.request({
          method: 'POST',
          path: '/_security/_query/api_key',
          ...(req.withLimitedBy ? { querystring: { with_limited_by: 'true' } } : {}),
          body,
        }),
      );
      const keys = r.api_keys.map(toInfo);
      const last = r.api_keys.at(-1);
      const full = r.api_keys.length === body.size;
      return { total: r.total, keys, after: full && last?._sort ? last._sort : undefined };
    });
  }

  async findManagedKeys(filter: { template?: string; environment?: string } = {}): Promise<ApiKeyInfo[]> {
    const must: Record<string, unknown>[] = [{ term: { 'metadata.managed_by': MANAGED_BY } }];
    if (filter.template) must.push({ term: { 'metadata.template': filter.template } });
    if (filter.environment) must.push({ term: { 'metadata.environment': filter.environment } });
    const out: ApiKeyInfo[] = [];
    let after: readonly unknown[] | undefined;
    do {
      const page = await this.queryApiKeys({ query: { bool: { filter: must } }, after });
      out.push(...page.keys);
      // `total` is exact (track_total_hits), so a full last page needs no empty follow-up.
      after = out.length < page.total ? page.after : undefined;
    } while (after);
    return out;
  }

  updateApiKey(
    id: string,
    req: { metadata?: Record<string, unknown>; expiration?: string },
  ): Promise<{ updated: boolean; expirationApplied?: boolean }> {
    return this.#call(`updating API key ${id}`, async () => {
      const send = async (withExpiration: boolean) => {
        const body: Record<string, unknown> = {};
        if (req.metadata) body.metadata = req.metadata;
        if (withExpiration && req.expiration) body.expiration = req.expiration;
        return parseResponse(
          this.url,
          'update API key',
          updateApiKeySchema,
          await this.#client.transport.request({
            method: 'PUT',
            path: `/_security/api_key/${encodeURIComponent(id)}`,
            body,
          }),
        );
      };
      if (!req.expiration) return { updated: (await send(false)).updated };
      try {
        return { updated: (await send(true)).updated, expirationApplied: true };
      } catch (error) {
        // Before 8.13 the update API has no `expiration` (reference §4.6) and its strict parser
        // refuses the field. Learning that from the refusal, instead of asking `GET /` first,
        // saves a request on every current cluster and needs no `monitor` privilege.
        if (!rejectsExpirationField(error)) throw error;
        return { updated: (await send(false)).updated, expirationApplied: false };
      }
    });
  }

  invalidateApiKeys(ids: readonly string[]): Promise<{ invalidated: string[] }> {
    if (ids.length === 0) return Promise.resolve({ invalidated: [] });
    return this.#call(`invalidating API keys ${ids.join(',')}`, async () => {
      const r = parseResponse(
        this.url,
        'invalidate API keys',
        invalidateApiKeysSchema,
        await this.#client.security.invalidateApiKey({ ids: [...ids] }),
      );
      return { invalidated: [...r.invalidated_api_keys, ...r.previously_invalidated_api_keys] };
    });
  }

  adminRequest(req: RawRequest): Promise<RawResponse> {
    return this.#call(`${req.method} ${req.path}`, async () =>
      this.#validated(req, await rawRequest(this.#client, req)),
    );
  }

  keyRequest(encodedKey: Secret, req: RawRequest): Promise<RawResponse> {
    // Probes are not retried automatically: a 429 on a probe is reported, not hidden.
    return this.#call(
      `${req.method} ${req.path} as the key`,
      async () => this.#validated(req, await rawRequest(keyClient(this.#client, encodedKey), req)),
      false,
    );
  }

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
  }> {
    const client = encodedKey ? keyClient(this.#client, encodedKey) : this.#client;
    return this.#call('checking privileges', async () => {
      const r = parseResponse(
        this.url,
        'has privileges',
        hasPrivilegesSchema,
        await client.transport.request({
          method: 'POST',
          path: '/_security/user/_has_privileges',
          body: { cluster: req.cluster ?? [], index: req.index ?? [] },
        }),
      );
      return { hasAll: r.has_all_requested, cluster: r.cluster, index: r.index };
    });
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  /** A 200 from an API whose answer is read as data elsewhere must have the expected shape. */
  #validated(req: RawRequest, res: RawResponse): RawResponse {
    const known = res.status === 200 ? RAW_RESPONSE_SCHEMAS.get(`${req.method} ${req.path}`) : undefined;
    if (known) parseResponse(this.url, known.api, known.schema, res.body);
    return res;
  }
}

/**
 * Sends a request and returns status + body for every HTTP status (probes need the 403 and
 * 404 bodies as data, not as exceptions). Connection-level failures still throw.
 */
async function rawRequest(client: Client, req: RawRequest): Promise<RawResponse> {
  try {
    const r = await client.transport.request(
      {
        method: req.method,
        path: req.path,
        querystring: req.querystring as Record<string, string> | undefined,
        body: req.body as never,
        bulkBody: req.bulkBody as never,
      },
      { meta: true, ignore: [400, 401, 403, 404, 405, 409, 429, 500, 503] },
    );
    return { status: r.statusCode ?? 0, body: r.body };
  } catch (error) {
    if (error instanceof errors.ResponseError) {
      return { status: error.meta.statusCode ?? 0, body: error.meta.body };
    }
    throw error;
  }
}

/** Builds the adapter for a resolved connection. */
export function createEsCluster(settings: ConnectionSettings, opts: EsClusterOptions = {}): EsCluster {
  return new EsCluster(
    createAdminClient(settings, opts),
    settings.url,
    opts,
    settings.auth.kind === 'basic' ? 'user' : 'api_key',
    settings.auth.kind === 'basic' ? settings.auth.username : undefined,
  );
}
