import { describe, expect, it } from 'vitest';
import {
  type ClusterDoctorInput,
  clusterChecks,
  type DoctorCheck,
  doctorExitCode,
  versionAndFeatures,
} from '../../../src/core/doctor/index.js';
import {
  AuthenticationError,
  AuthorizationError,
  ClusterResponseError,
  ClusterUnavailableError,
} from '../../../src/core/errors.js';
import { validateTemplate } from '../../../src/core/templates/load-template.js';
import type { RoleTemplate } from '../../../src/core/templates/schema.js';
import { type HeldPrivileges, ScriptedCluster } from './support.js';

function template(name: string, roleDescriptors: Record<string, unknown>): RoleTemplate {
  const checked = validateTemplate({ name, role_descriptors: roleDescriptors });
  if (!checked.value) throw new Error(checked.errors.map((e) => e.message).join('; '));
  return checked.value;
}

const emailSearch = template('email-search', {
  app: {
    cluster: ['monitor', 'manage_index_templates', 'manage_ilm', 'manage_pipeline'],
    indices: [
      { names: ['gmail_emails-*'], privileges: ['read', 'index', 'create_index', 'view_index_metadata'] },
    ],
  },
});

const input = (templates: RoleTemplate[] = [emailSearch]): ClusterDoctorInput => ({
  adminAuthKind: 'user',
  templates,
  invalidTemplates: [],
});

const byId = (checks: readonly DoctorCheck[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

/**
 * What `_has_privileges` answers for the eskeys-admin role of the docs (manage_api_key plus what
 * email-search delegates, `all` on gmail_emails-*): `all` covers every index privilege
 * (Elasticsearch IndexPrivilege ALL), so each one email-search asks about answers true.
 */
const ADMIN: HeldPrivileges = {
  cluster: ['manage_api_key', 'monitor', 'manage_index_templates', 'manage_ilm', 'manage_pipeline'],
  index: { 'gmail_emails-*': ['read', 'index', 'create_index', 'view_index_metadata'] },
};

describe('clusterChecks', () => {
  it('a dedicated admin holding everything the templates delegate passes every check', async () => {
    const cluster = new ScriptedCluster(ADMIN);
    const { checks, version } = await clusterChecks(cluster, input());
    expect(checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(version?.number).toBe('8.19.3');
    const c = byId(checks);
    expect(c['identity.admin']!.message).toContain('eskeys-admin (realm default_native, type native');
    expect(c['delegation.template:email-search']!.message).toBe(
      'the admin holds all 8 privileges the template delegates',
    );
    expect(c['cluster.api_keys']!.message).toContain('2 keys managed by eskeys');
  });

  it('names every privilege the admin lacks, per template, and explains the silent intersection', async () => {
    // The role grants `all` on gmail_emails-2025-* only. `_has_privileges` answers whether the
    // asked pattern is covered by a granted one: gmail_emails-* is wider, so false; the narrower
    // gmail_emails-2025-* of the other template is covered, so true.
    const cluster = new ScriptedCluster({
      cluster: ['manage_api_key', 'monitor', 'manage_index_templates', 'manage_pipeline'],
      index: { 'gmail_emails-2025-*': ['read'] },
    });
    const other = template('reports', {
      r: { indices: [{ names: ['gmail_emails-2025-*'], privileges: ['read'] }] },
    });
    const { checks } = await clusterChecks(cluster, input([emailSearch, other]));
    const c = byId(checks);
    const fail = c['delegation.template:email-search']!;
    expect(fail.status).toBe('fail');
    expect(fail.message).toBe(
      'the admin lacks 5 of 8 privileges the template delegates: cluster manage_ilm; read on gmail_emails-*; index on gmail_emails-*; create_index on gmail_emails-*; view_index_metadata on gmail_emails-*',
    );
    expect(fail.details?.[0]).toMatch(/Elasticsearch would still create the key/);
    expect(fail.fix).toContain('cluster manage_ilm');
    // The narrower pattern of the other template is covered: `_has_privileges` is a subset check.
    expect(c['delegation.template:reports']!.status).toBe('ok');
    expect(doctorExitCode(checks)).toBe(1);
  });

  it('checks restricted-index entries with allow_restricted_indices', async () => {
    const t = template('auditor', {
      a: { indices: [{ names: ['.security-*'], privileges: ['read'], allow_restricted_indices: true }] },
    });
    // `all` on `*` without allow_restricted_indices does not cover restricted indices such as
    // .security-*: asked with allow_restricted_indices, `_has_privileges` answers false.
    const plainSuperuserLike = new ScriptedCluster({ cluster: ['manage_api_key'] });
    const fail = byId((await clusterChecks(plainSuperuserLike, input([t]))).checks)[
      'delegation.template:auditor'
    ]!;
    expect(fail.status).toBe('fail');
    expect(fail.message).toContain('read on .security-* (with allow_restricted_indices)');
    const withRestricted = new ScriptedCluster({
      cluster: ['manage_api_key'],
      restricted: { '.security-*': ['read'] },
    });
    expect(
      byId((await clusterChecks(withRestricted, input([t]))).checks)['delegation.template:auditor']!.status,
    ).toBe('ok');
  });

  it.each([
    ['manage_api_key', 'ok', /holds manage_api_key/],
    ['manage_security', 'ok', /more than eskeys needs/],
    ['manage_own_api_key', 'warn', /only keys this same user created/],
    ['monitor', 'fail', /cannot create API keys/],
  ] as const)('an admin with %s: api-key admin check is %s', async (privilege, status, message) => {
    const cluster = new ScriptedCluster({ cluster: [privilege] });
    const c = byId((await clusterChecks(cluster, input([]))).checks)['delegation.api_key_admin']!;
    expect(c.status).toBe(status);
    expect(c.message).toMatch(message);
  });

  it('an API-key admin fails for create/rotate and skips delegation', async () => {
    const cluster = new ScriptedCluster(ADMIN);
    cluster.identity = {
      username: 'eskeys-admin',
      roles: [],
      authenticationRealm: { name: '_es_api_key', type: '_es_api_key' },
      authenticationType: 'api_key',
      apiKey: { id: 'VuaCfGcBCdbkQm-e5aOx', name: 'admin-key' },
    };
    const { checks } = await clusterChecks(cluster, { ...input(), adminAuthKind: 'api_key' });
    const c = byId(checks);
    expect(c['identity.admin']!.message).toBe(
      'API key admin-key (id VuaCfGcBCdbkQm-e5aOx) owned by eskeys-admin (authentication_type api_key)',
    );
    expect(c['identity.kind']!.status).toBe('fail');
    expect(c['identity.kind']!.message).toMatch(/create, rotate, tick and schedule cannot work/);
    expect(c['delegation.template:email-search']!.status).toBe('skip');
    expect(doctorExitCode(checks)).toBe(1);
  });

  it('rejected credentials: identity fails with exit 3 and everything after it is skipped', async () => {
    const cluster = new ScriptedCluster();
    const reason = 'unable to authenticate user [eskeys-admin] for REST request [/_security/_authenticate]';
    cluster.identity = new AuthenticationError(`cluster ${cluster.url} rejected the admin credentials`, {
      answer: { status: 401, type: 'security_exception', reason },
    });
    const { checks } = await clusterChecks(cluster, input());
    const c = byId(checks);
    expect(c['connection.reachable']!.status).toBe('ok');
    expect(c['identity.admin']!.status).toBe('fail');
    expect(c['identity.admin']!.message).toContain('(401): unable to authenticate user [eskeys-admin]');
    for (const id of ['cluster.version', 'delegation.api_key_admin', 'delegation.template:email-search'])
      expect(c[id]!.status).toBe('skip');
    expect(doctorExitCode(checks)).toBe(3);
  });

  it('an unreachable cluster fails the reachability check (exit 3) with the adapter message', async () => {
    const cluster = new ScriptedCluster();
    cluster.identity = new ClusterUnavailableError(
      'TLS verification of https://es.example:9200 failed (DEPTH_ZERO_SELF_SIGNED_CERT); pass --ca FILE or --ca-fingerprint SHA256 (or, knowingly, --insecure)',
    );
    const { checks } = await clusterChecks(cluster, input());
    const c = byId(checks);
    expect(c['connection.reachable']!.status).toBe('fail');
    expect(c['connection.reachable']!.message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(checks.filter((x) => x.status !== 'skip').map((x) => x.id)).toEqual(['connection.reachable']);
    expect(doctorExitCode(checks)).toBe(3);
  });

  it('security disabled: the security handlers are missing, GET / still answers', async () => {
    const cluster = new ScriptedCluster();
    // With xpack.security.enabled: false the security REST handlers are not registered, so
    // Elasticsearch answers 400 "no handler found for uri ..." (docs/es-facts.md); the ES adapter
    // reads that as the security feature being off.
    const reason = 'no handler found for uri [/_security/_authenticate] and method [GET]';
    cluster.identity = new ClusterResponseError(`cluster ${cluster.url} refused authenticating (400)`, {
      status: 400,
      reason,
      disabledFeature: 'security',
    });
    const c = byId((await clusterChecks(cluster, input())).checks);
    expect(c['cluster.security']!.status).toBe('fail');
    expect(c['cluster.version']!.status).toBe('ok');
    expect(c['identity.admin']!.status).toBe('skip');
  });

  it('API key service disabled: the query API error carries disabled.feature api_keys', async () => {
    const cluster = new ScriptedCluster(ADMIN);
    // Elasticsearch's answer carries `"disabled.feature": "api_keys"`, which the ES adapter reads.
    cluster.managedKeyCount = new ClusterResponseError(
      `cluster ${cluster.url} refused counting managed API keys (400)`,
      {
        status: 400,
        type: 'feature_not_enabled_exception',
        reason: 'api keys are not enabled',
        disabledFeature: 'api_keys',
      },
    );
    const c = byId((await clusterChecks(cluster, input())).checks)['cluster.api_keys']!;
    expect(c.status).toBe('fail');
    expect(c.fix).toContain('xpack.security.authc.api_key.enabled: true');
  });

  it('GET / forbidden (no monitor): the version only warns and the features are skipped', async () => {
    const cluster = new ScriptedCluster({ cluster: ['manage_api_key'] });
    cluster.info = new AuthorizationError(`admin identity may not read GET / on ${cluster.url}: denied`, {
      answer: { status: 403, type: 'security_exception', reason: 'denied' },
    });
    const { checks } = await clusterChecks(cluster, input([]));
    const c = byId(checks);
    expect(c['cluster.version']!.status).toBe('warn');
    expect(c['cluster.version']!.message).toMatch(/needs the monitor cluster privilege/);
    expect(c['cluster.features']!.status).toBe('skip');
    expect(doctorExitCode(checks)).toBe(0);
  });
});

describe('versionAndFeatures', () => {
  it.each([
    ['7.17.20', 'fail', 'skip'],
    ['8.2.0', 'ok', 'fail'],
    ['8.10.4', 'ok', 'warn'],
    ['8.13.0', 'ok', 'ok'],
    ['9.1.0-SNAPSHOT', 'ok', 'ok'],
    ['10.0.0', 'warn', 'ok'],
  ] as const)('Elasticsearch %s: version %s, features %s', (number, version, features) => {
    const r = versionAndFeatures({ versionNumber: number });
    expect(r.checks.map((c) => c.status)).toEqual([version, features]);
  });

  it('before 8.13 the warning says that revoke --due must run', () => {
    const [, features] = versionAndFeatures({ versionNumber: '8.11.1' }).checks;
    expect(features!.fix).toContain('eskeys revoke --due');
  });

  it('serverless reports its flavour', () => {
    const r = versionAndFeatures({ versionNumber: '8.11.0', buildFlavor: 'serverless' });
    expect(r.checks.map((c) => c.status)).toEqual(['ok', 'ok']);
    expect(r.checks[0]!.message).toContain('serverless');
  });
});
