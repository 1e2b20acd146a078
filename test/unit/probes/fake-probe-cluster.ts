/**
 * A tiny in-memory ClusterPort for probe-runner unit tests: authorizes requests made as a key
 * with the shared privilege model (Role), keeps indices/docs/templates/policies/pipelines/keys in
 * maps, and records every call. Integration tests use the real sandbox over HTTP instead.
 */
import type { ApiKeyInfo, ClusterPort, CreatedApiKey } from '../../../src/core/cluster-port.js';
import { Role, type RoleDescriptor } from '../../../src/core/privileges/role.js';
import type { RawRequest, RawResponse } from '../../../src/core/probes/probe-transport.js';
import { Secret } from '../../../src/core/secret.js';

const err = (status: number, type: string, reason = type): RawResponse => ({
  status,
  body: { error: { root_cause: [{ type, reason }], type, reason }, status },
});

export interface FakeCall {
  readonly as: 'key' | 'admin';
  readonly method: string;
  readonly path: string;
}

export class FakeProbeCluster implements ClusterPort {
  readonly url = 'http://fake:9200';
  readonly indices = new Map<string, Map<string, unknown>>();
  readonly aliases = new Map<string, string>();
  readonly templates = new Set<string>();
  readonly policies = new Set<string>();
  readonly pipelines = new Set<string>();
  readonly apiKeys = new Map<string, { invalidated: boolean }>();
  readonly calls: FakeCall[] = [];
  /** Key value → role; absent values get 401. */
  readonly keys = new Map<string, Role>();
  /** Keys that answer 401 with this message. */
  readonly rejected = new Map<string, string>();
  /** Called before every request (tests use it to abort mid-run). */
  onRequest?: (call: FakeCall) => void | Promise<void>;
  /** Answers a request as the key instead of the model when it returns a response (busy-cluster tests). */
  answerAsKey?: (call: FakeCall) => RawResponse | undefined;
  #n = 0;

  addKey(encoded: string, descriptors: RoleDescriptor[]): Secret {
    this.keys.set(encoded, Role.fromDescriptors(descriptors));
    return new Secret(encoded);
  }

  probeResources(): string[] {
    const all = [
      ...[...this.indices.keys()].map((n) => `index ${n}`),
      ...[...this.aliases.keys()].map((n) => `alias ${n}`),
      ...[...this.templates].map((n) => `template ${n}`),
      ...[...this.policies].map((n) => `policy ${n}`),
      ...[...this.pipelines].map((n) => `pipeline ${n}`),
      ...[...this.apiKeys].filter(([, k]) => !k.invalidated).map(([id]) => `key ${id}`),
    ];
    return all.filter((n) => /eskeys-probe-/.test(n));
  }

  async authenticate(): Promise<never> {
    throw new Error('runProbes never asks who the admin is');
  }
  async clusterInfo(): Promise<never> {
    throw new Error('runProbes never reads GET /');
  }
  async countManagedKeys(): Promise<never> {
    throw new Error('runProbes never counts managed keys');
  }
  async createApiKey(): Promise<CreatedApiKey> {
    throw new Error('not used');
  }
  async getApiKey(): Promise<ApiKeyInfo | undefined> {
    return undefined;
  }
  async queryApiKeys() {
    return { total: 0, keys: [] };
  }
  async findManagedKeys() {
    return [];
  }
  async updateApiKey() {
    return { updated: false };
  }
  async invalidateApiKeys(ids: readonly string[]) {
    this.calls.push({ as: 'admin', method: 'DELETE', path: '/_security/api_key' });
    for (const id of ids) this.apiKeys.get(id)!.invalidated = true;
    return { invalidated: [...ids] };
  }
  async hasPrivileges(): Promise<never> {
    throw new Error('runProbes sends has_privileges as a raw key request');
  }
  async close() {}

  async adminRequest(req: RawRequest): Promise<RawResponse> {
    const call: FakeCall = { as: 'admin', method: req.method, path: req.path };
    this.calls.push(call);
    await this.onRequest?.(call);
    return this.#handle(req, undefined);
  }

  async keyRequest(encoded: Secret, req: RawRequest): Promise<RawResponse> {
    const call: FakeCall = { as: 'key', method: req.method, path: req.path };
    this.calls.push(call);
    await this.onRequest?.(call);
    const answer = this.answerAsKey?.(call);
    if (answer) return answer;
    const rejected = this.rejected.get(encoded.reveal());
    if (rejected !== undefined) {
      return {
        status: 401,
        body: {
          error: {
            type: 'security_exception',
            reason:
              'unable to authenticate with provided credentials and anonymous access is not allowed for this request',
            additional_unsuccessful_credentials: `API key: ${rejected}`,
          },
          status: 401,
        },
      };
    }
    const role = this.keys.get(encoded.reveal());
    if (!role) return err(401, 'security_exception', 'unable to authenticate');
    return this.#handle(req, role);
  }

  #handle(req: RawRequest, role: Role | undefined): RawResponse {
    const cluster = (action: string) => !role || role.checkCluster(action);
    const idx = (action: string, name: string) =>
      !role || (role.checkIndexActionOnAny(action) && role.checkIndex(action, name));
    const deny = (action: string) => err(403, 'security_exception', `action [${action}] is unauthorized`);
    const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    const [a, b, c] = parts;
    const m = req.method;

    if (a === '_cluster' && b === 'health')
      return cluster('cluster:monitor/health') ? { status: 200, body: { status: 'green' } } : deny('health');
    if (a === '_cluster' && b === 'settings')
      return cluster('cluster:admin/settings/update')
        ? { status: 200, body: { acknowledged: true } }
        : deny('s');
    if (a === '_index_template') {
      if (!cluster(`indices:admin/index_template/${m === 'PUT' ? 'put' : 'delete'}`)) return deny('tpl');
      if (m === 'PUT') this.templates.add(b!);
      else if (!this.templates.delete(b!)) return err(404, 'resource_not_found_exception');
      return { status: 200, body: { acknowledged: true } };
    }
    if (a === '_ilm') {
      if (!cluster(`cluster:admin/ilm/${m === 'PUT' ? 'put' : 'delete'}`)) return deny('ilm');
      if (m === 'PUT') this.policies.add(c!);
      else if (!this.policies.delete(c!)) return err(404, 'resource_not_found_exception');
      return { status: 200, body: { acknowledged: true } };
    }
    if (a === '_ingest') {
      if (!cluster(`cluster:admin/ingest/pipeline/${m === 'PUT' ? 'put' : 'delete'}`)) return deny('pipe');
      if (m === 'PUT') this.pipelines.add(c!);
      else if (!this.pipelines.delete(c!)) return err(404, 'resource_not_found_exception');
      return { status: 200, body: { acknowledged: true } };
    }
    if (a === '_security' && b === 'api_key') {
      if (m === 'POST') {
        if (!cluster('cluster:admin/xpack/security/api_key/create')) return deny('create key');
        const id = `derived-${++this.#n}`;
        this.apiKeys.set(id, { invalidated: false });
        return { status: 200, body: { id, name: 'x', api_key: 'SECRET', encoded: 'ZW5jb2RlZA==' } };
      }
      if (!cluster('cluster:admin/xpack/security/api_key/invalidate')) return deny('invalidate');
      const ids = (req.body as { ids: string[] }).ids;
      const hit = ids.filter((id) => this.apiKeys.has(id));
      for (const id of hit) this.apiKeys.get(id)!.invalidated = true;
      return {
        status: 200,
        body: { invalidated_api_keys: hit, previously_invalidated_api_keys: [], error_count: 0 },
      };
    }
    if (a === '_security' && c === '_has_privileges') {
      const body = req.body as { cluster: string[]; index: { names: string[]; privileges: string[] }[] };
      const r = role!;
      const clusterOut = Object.fromEntries(body.cluster.map((p) => [p, r.hasClusterPrivilege(p)]));
      const indexOut: Record<string, Record<string, boolean>> = {};
      for (const e of body.index)
        for (const n of e.names)
          indexOut[n] = Object.fromEntries(e.privileges.map((p) => [p, r.hasIndexPrivilege(n, p)]));
      return { status: 200, body: { has_all_requested: false, cluster: clusterOut, index: indexOut } };
    }
    if (a === '_aliases') {
      const add = (req.body as { actions: { add: { index: string; alias: string } }[] }).actions[0]!.add;
      if (!idx('indices:admin/aliases', add.index) || !idx('indices:admin/aliases', add.alias))
        return deny('aliases');
      if (!this.indices.has(add.index)) return err(404, 'index_not_found_exception');
      this.aliases.set(add.alias, add.index);
      return { status: 200, body: { acknowledged: true } };
    }
    if (a === '_bulk') {
      const item = (req.bulkBody![0] as { delete: { _index: string; _id: string } }).delete;
      if (
        !idx('indices:data/write/bulk', item._index) &&
        role &&
        !role.checkIndexActionOnAny('indices:data/write/bulk')
      )
        return deny('bulk');
      const docs = this.indices.get(item._index);
      let out: Record<string, unknown>;
      if (!docs)
        out = {
          _index: item._index,
          _id: item._id,
          status: 404,
          error: { type: 'index_not_found_exception' },
        };
      else if (!idx('indices:data/write/delete', item._index))
        out = { _index: item._index, _id: item._id, status: 403, error: { type: 'security_exception' } };
      else
        out = {
          _index: item._index,
          _id: item._id,
          ...(docs.delete(item._id)
            ? { status: 200, result: 'deleted' }
            : { status: 404, result: 'not_found' }),
        };
      return { status: 200, body: { errors: out.status !== 200, items: [{ delete: out }] } };
    }
    const index = a!;
    const docs = this.indices.get(index);
    const missing = () => err(404, 'index_not_found_exception', `no such index [${index}]`);
    if (parts.length === 1) {
      if (m === 'PUT') {
        if (!idx('indices:admin/create', index)) return deny('create');
        if (docs) return err(400, 'resource_already_exists_exception');
        this.indices.set(index, new Map());
        return { status: 200, body: { acknowledged: true } };
      }
      if (!idx('indices:admin/delete', index)) return deny('delete');
      if (!docs) return missing();
      this.indices.delete(index);
      return { status: 200, body: { acknowledged: true } };
    }
    if (b === '_alias') {
      this.aliases.delete(c!);
      return { status: 200, body: { acknowledged: true } };
    }
    const action: Record<string, string> = {
      _search: 'indices:data/read/search',
      _count: 'indices:data/read/search',
      _settings: m === 'PUT' ? 'indices:admin/settings/update' : 'indices:monitor/settings/get',
      _mapping: 'indices:admin/mappings/get',
      _delete_by_query: 'indices:data/write/delete/byquery',
      _update: 'indices:data/write/update',
      _create: 'indices:data/write/index',
      _doc:
        m === 'GET'
          ? 'indices:data/read/get'
          : m === 'DELETE'
            ? 'indices:data/write/delete'
            : 'indices:data/write/index',
    };
    const act = action[b!]!;
    if (!idx(act, index)) return deny(act);
    if (!docs) {
      if ((b === '_doc' && m === 'PUT') || b === '_create') {
        if (!idx('indices:admin/auto_create', index)) return deny('auto_create');
        this.indices.set(index, new Map());
        return this.#handle(req, role);
      }
      return missing();
    }
    switch (b) {
      case '_doc':
        if (m === 'GET')
          return docs.has(c!)
            ? { status: 200, body: { found: true } }
            : { status: 404, body: { found: false } };
        if (m === 'DELETE')
          return docs.delete(c!)
            ? { status: 200, body: { result: 'deleted' } }
            : { status: 404, body: { result: 'not_found' } };
        docs.set(c!, req.body);
        return { status: 201, body: { result: 'created' } };
      case '_create':
        if (docs.has(c!)) return err(409, 'version_conflict_engine_exception');
        docs.set(c!, req.body);
        return { status: 201, body: { result: 'created' } };
      case '_update':
        return docs.has(c!)
          ? { status: 200, body: { result: 'updated' } }
          : err(404, 'document_missing_exception');
      default:
        return { status: 200, body: {} };
    }
  }
}
