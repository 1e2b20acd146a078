import { describe, expect, it } from 'vitest';
import { LimitedRole, Role } from '../../../src/core/privileges/index.js';

// Expected grants are written out by hand from the tables of Elasticsearch's security reference (docs/es-facts.md)
// §1 (index privileges → action patterns) and §2 (cluster privileges), not computed from the model.

const PROBE_ACTIONS = [
  'indices:data/write/index',
  'indices:data/write/delete',
  'indices:data/write/update',
  'indices:data/write/bulk',
  'indices:data/read/search',
  'indices:data/read/get',
  'indices:admin/create',
  'indices:admin/delete',
  'indices:admin/settings/update',
  'indices:monitor/settings/get',
  'indices:admin/mappings/get',
  'indices:admin/aliases',
  'indices:admin/auto_create',
] as const;

type ProbeAction = (typeof PROBE_ACTIONS)[number];

const ALL = [...PROBE_ACTIONS];
const INDEX_TABLE: Record<string, readonly ProbeAction[]> = {
  none: [],
  all: ALL,
  read: ['indices:data/read/search', 'indices:data/read/get'],
  read_cross_cluster: [],
  create: ['indices:data/write/index', 'indices:data/write/bulk'],
  create_doc: ['indices:data/write/index', 'indices:data/write/bulk'],
  index: ['indices:data/write/index', 'indices:data/write/update', 'indices:data/write/bulk'],
  delete: ['indices:data/write/delete', 'indices:data/write/bulk'],
  write: [
    'indices:data/write/index',
    'indices:data/write/delete',
    'indices:data/write/update',
    'indices:data/write/bulk',
  ],
  monitor: ['indices:monitor/settings/get'],
  manage: [
    'indices:admin/create',
    'indices:admin/delete',
    'indices:admin/settings/update',
    'indices:monitor/settings/get',
    'indices:admin/mappings/get',
    'indices:admin/aliases',
    'indices:admin/auto_create',
  ],
  create_index: ['indices:admin/create', 'indices:admin/auto_create'],
  delete_index: ['indices:admin/delete'],
  view_index_metadata: ['indices:monitor/settings/get', 'indices:admin/mappings/get'],
  manage_follow_index: [],
  manage_leader_index: [],
  manage_ilm: [],
  manage_data_stream_lifecycle: [],
  maintenance: [],
  auto_configure: ['indices:admin/auto_create'],
  cross_cluster_replication: [],
  cross_cluster_replication_internal: [],
  read_failure_store: [],
  manage_failure_store: [],
};

const cases = Object.entries(INDEX_TABLE).flatMap(([privilege, granted]) =>
  PROBE_ACTIONS.map((action) => ({ privilege, action, allowed: granted.includes(action) })),
);

describe('index privilege → probe action (reference §1 table)', () => {
  it.each(cases)('$privilege on logs-* → $action allowed=$allowed', ({ privilege, action, allowed }) => {
    const role = Role.fromDescriptors([{ indices: [{ names: ['logs-*'], privileges: [privilege] }] }]);
    expect(role.checkIndex(action, 'logs-2024')).toBe(allowed);
    expect(role.checkIndexActionOnAny(action)).toBe(allowed);
    expect(role.checkIndex(action, 'other')).toBe(false);
  });

  it.each(Object.keys(INDEX_TABLE))('%s is case-insensitive', (privilege) => {
    const upper = Role.fromDescriptors([
      { indices: [{ names: ['*'], privileges: [privilege.toUpperCase()] }] },
    ]);
    for (const action of PROBE_ACTIONS) {
      expect(upper.checkIndex(action, 'x')).toBe(INDEX_TABLE[privilege]!.includes(action));
    }
  });

  it('create_doc allows only op_type=create items; create and index allow op_type=index', () => {
    const role = (p: string) => Role.fromDescriptors([{ indices: [{ names: ['*'], privileges: [p] }] }]);
    expect(role('create_doc').checkIndex('indices:data/write/index:op_type/create', 'x')).toBe(true);
    expect(role('create_doc').checkIndex('indices:data/write/index:op_type/index', 'x')).toBe(false);
    expect(role('create').checkIndex('indices:data/write/index:op_type/index', 'x')).toBe(true);
    expect(role('index').checkIndex('indices:data/write/index:op_type/index', 'x')).toBe(true);
    expect(role('delete').checkIndex('indices:data/write/index:op_type/create', 'x')).toBe(false);
  });

  it.each(['create', 'create_doc', 'index', 'write'])(
    'BWC rule: %s may update mappings on indices, but _has_privileges still says no',
    (privilege) => {
      const role = Role.fromDescriptors([{ indices: [{ names: ['logs-*'], privileges: [privilege] }] }]);
      expect(role.checkIndex('indices:admin/mapping/put', 'logs-1')).toBe(true);
      expect(role.checkIndex('indices:admin/mapping/auto_put', 'logs-1')).toBe(true);
      expect(role.hasIndexPrivilege('logs-1', 'indices:admin/mapping/put')).toBe(false);
    },
  );

  it('raw index actions act as `<action>*` patterns', () => {
    const role = Role.fromDescriptors([
      { indices: [{ names: ['*'], privileges: ['indices:data/read/get'] }] },
    ]);
    expect(role.checkIndex('indices:data/read/get', 'x')).toBe(true);
    expect(role.checkIndex('indices:data/read/search', 'x')).toBe(false);
  });

  it('restricted indices need allow_restricted_indices, even for *', () => {
    const plain = Role.fromDescriptors([{ indices: [{ names: ['*'], privileges: ['all'] }] }]);
    expect(plain.checkIndex('indices:admin/delete', '.security-7')).toBe(false);
    expect(plain.checkIndex('indices:admin/delete', '.kibana')).toBe(true);
    const allowed = Role.fromDescriptors([
      { indices: [{ names: ['.security*'], privileges: ['read'], allow_restricted_indices: true }] },
    ]);
    expect(allowed.checkIndex('indices:data/read/search', '.security-7')).toBe(true);
  });

  it('regex patterns match between slashes', () => {
    const role = Role.fromDescriptors([{ indices: [{ names: ['/logs-[0-9]+/'], privileges: ['read'] }] }]);
    expect(role.checkIndex('indices:data/read/search', 'logs-42')).toBe(true);
    expect(role.checkIndex('indices:data/read/search', 'logs-x')).toBe(false);
  });
});

const CLUSTER_ACTIONS = {
  health: 'cluster:monitor/health',
  templatePut: 'indices:admin/index_template/put',
  ilmPut: 'cluster:admin/ilm/put',
  pipelinePut: 'cluster:admin/ingest/pipeline/put',
  apiKeyCreate: 'cluster:admin/xpack/security/api_key/create',
  apiKeyInvalidate: 'cluster:admin/xpack/security/api_key/invalidate',
  settingsUpdate: 'cluster:admin/settings/update',
} as const;

type ClusterProbe = keyof typeof CLUSTER_ACTIONS;
const EVERY: ClusterProbe[] = Object.keys(CLUSTER_ACTIONS) as ClusterProbe[];

// manage_own_api_key is evaluated with the ownership check holding (create is always owned).
const CLUSTER_TABLE: Record<string, ClusterProbe[]> = {
  none: [],
  all: EVERY,
  manage: ['health', 'templatePut', 'ilmPut', 'pipelinePut', 'settingsUpdate'],
  monitor: ['health'],
  manage_security: ['apiKeyCreate', 'apiKeyInvalidate'],
  read_security: [],
  manage_api_key: ['apiKeyCreate', 'apiKeyInvalidate'],
  manage_own_api_key: ['apiKeyCreate', 'apiKeyInvalidate'],
  grant_api_key: [],
  manage_token: [],
  manage_index_templates: ['templatePut'],
  manage_ilm: ['ilmPut'],
  read_ilm: [],
  manage_pipeline: ['pipelinePut'],
  manage_ingest_pipelines: ['pipelinePut'],
  read_pipeline: [],
  transport_client: [],
};

const clusterCases = Object.entries(CLUSTER_TABLE).flatMap(([privilege, granted]) =>
  EVERY.map((probe) => ({
    privilege,
    probe,
    action: CLUSTER_ACTIONS[probe],
    allowed: granted.includes(probe),
  })),
);

describe('cluster privilege → action (reference §2)', () => {
  it.each(clusterCases)('$privilege → $action allowed=$allowed', ({ privilege, action, allowed }) => {
    const role = Role.fromDescriptors([{ cluster: [privilege] }]);
    expect(role.checkCluster(action, { ownedByCaller: true })).toBe(allowed);
  });

  it('manage_own_api_key needs the ownership check; manage_api_key does not', () => {
    const own = Role.fromDescriptors([{ cluster: ['manage_own_api_key'] }]);
    const any = Role.fromDescriptors([{ cluster: ['manage_api_key'] }]);
    expect(own.checkCluster(CLUSTER_ACTIONS.apiKeyInvalidate, { ownedByCaller: false })).toBe(false);
    expect(any.checkCluster(CLUSTER_ACTIONS.apiKeyInvalidate, { ownedByCaller: false })).toBe(true);
  });

  it('read_security reads keys; grant_api_key only grants', () => {
    const reader = Role.fromDescriptors([{ cluster: ['read_security'] }]);
    expect(reader.checkCluster('cluster:admin/xpack/security/api_key/get')).toBe(true);
    expect(reader.checkCluster('cluster:admin/xpack/security/api_key/query')).toBe(true);
    const granter = Role.fromDescriptors([{ cluster: ['grant_api_key'] }]);
    expect(granter.checkCluster('cluster:admin/xpack/security/api_key/grant')).toBe(true);
    expect(granter.checkCluster(CLUSTER_ACTIONS.apiKeyCreate)).toBe(false);
  });
});

describe('LimitedRole and _has_privileges coverage (§5, §7)', () => {
  const owner = Role.fromDescriptors([
    { cluster: ['monitor'], indices: [{ names: ['logs-*'], privileges: ['read', 'write'] }] },
  ]);
  const assigned = Role.fromDescriptors([
    { cluster: ['all'], indices: [{ names: ['logs-a*'], privileges: ['all'] }] },
  ]);
  const key = new LimitedRole(assigned, owner);

  it('both the assigned descriptors and limited_by must grant', () => {
    expect(key.checkCluster('cluster:monitor/health')).toBe(true);
    expect(key.checkCluster('cluster:admin/settings/update')).toBe(false);
    expect(key.checkIndex('indices:data/write/delete', 'logs-a-1')).toBe(true);
    expect(key.checkIndex('indices:admin/delete', 'logs-a-1')).toBe(false);
    expect(key.checkIndex('indices:data/read/search', 'logs-b-1')).toBe(false);
  });

  it('a pattern is true only when wholly covered', () => {
    expect(key.hasIndexPrivilege('logs-a-1', 'read')).toBe(true);
    expect(key.hasIndexPrivilege('logs-a*', 'read')).toBe(true);
    expect(key.hasIndexPrivilege('logs-*', 'read')).toBe(false);
    expect(key.hasIndexPrivilege('logs-a-1', 'create_doc')).toBe(true);
    expect(owner.hasIndexPrivilege('logs-x', 'write')).toBe(true);
    expect(
      Role.fromDescriptors([{ indices: [{ names: ['*'], privileges: ['index'] }] }]).hasIndexPrivilege(
        'x',
        'write',
      ),
    ).toBe(false);
  });
});
