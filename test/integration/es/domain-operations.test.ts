import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEsCluster, type EsCluster } from '../../../src/adapters/es/es-cluster.js';
import { clusterAnswerFrom } from '../../../src/adapters/es/map-error.js';
import { resolveConnection } from '../../../src/core/config/connection.js';
import {
  AuthenticationError,
  AuthorizationError,
  type ClusterAnswer,
  ClusterBusyError,
  ClusterResponseError,
} from '../../../src/core/errors.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';

function adapterFor(sb: Sandbox, password = sb.password): EsCluster {
  return createEsCluster(resolveConnection({ url: sb.url, username: sb.username, password }, {}, []), {
    retry: { sleep: async () => {} },
  });
}

const json = (v: unknown) => JSON.stringify(v);

describe('ES adapter: the domain operations doctor and review use', () => {
  let sb: Sandbox;
  let es: EsCluster;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, version: '8.19.3' });
    es = adapterFor(sb);
  });
  afterAll(async () => {
    await es.close();
    await sb.close();
  });

  it('authenticate: the built-in elastic user, reserved realm, superuser role', async () => {
    sb.faults.clear();
    // Elasticsearch's `elastic` is a reserved user of the `reserved` realm holding `superuser`
    // (Elasticsearch docs "Built-in users"; _authenticate reports authentication_type `realm`).
    expect(await es.authenticate()).toEqual({
      username: 'elastic',
      roles: ['superuser'],
      authenticationRealm: { name: 'reserved', type: 'reserved' },
      lookupRealm: { name: 'reserved', type: 'reserved' },
      authenticationType: 'realm',
    });
  });

  it('clusterInfo: version number and build flavor of GET /', async () => {
    sb.faults.clear();
    expect(await es.clusterInfo()).toMatchObject({ versionNumber: '8.19.3', buildFlavor: 'default' });
  });

  it('countManagedKeys: the exact total of keys tagged managed_by eskeys, none read', async () => {
    sb.faults.clear();
    await sb.state.seedApiKeys({ count: 3, metadata: { managed_by: 'eskeys', template: 't' } });
    await sb.state.seedApiKeys({ count: 2, metadata: { team: 'other' } });
    expect(await es.countManagedKeys()).toBe(3);
  });

  it('a 401 is an AuthenticationError carrying status, type and reason', async () => {
    const wrong = adapterFor(sb, 'not-the-password');
    try {
      const err = await wrong.authenticate().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      expect((err as AuthenticationError).answer).toMatchObject({ status: 401, type: 'security_exception' });
      expect((err as AuthenticationError).answer?.reason).toMatch(/^unable to authenticate user \[elastic\]/);
      expect((err as Error).message).not.toContain('not-the-password');
    } finally {
      await wrong.close();
    }
  });

  it.each([
    [
      // With xpack.security.enabled: false the security handlers are not registered (docs/es-facts.md).
      'security disabled (no handler for _authenticate)',
      {
        status: 400,
        body: json({
          error: 'no handler found for uri [/_security/_authenticate] and method [GET]',
          status: 400,
        }),
      },
      { status: 400, disabledFeature: 'security' },
    ],
    [
      'a proxy answering 404',
      { status: 404, body: json({ error: { type: 'not_found', reason: 'no route' }, status: 404 }) },
      { status: 404, type: 'not_found', reason: 'no route' },
    ],
  ])('%s: ClusterResponseError (exit 3) with the answer as fields', async (_name, fault, answer) => {
    sb.faults.clear();
    sb.faults.inject({ method: 'GET', path: '/_security/_authenticate', ...fault });
    const err = await es.authenticate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterResponseError);
    expect((err as ClusterResponseError).exitCode).toBe(3);
    expect((err as ClusterResponseError).answer).toMatchObject(answer);
  });

  it('the API key service switched off: the query API error names disabled.feature api_keys', async () => {
    sb.faults.clear();
    // Elasticsearch's answer when xpack.security.authc.api_key.enabled is false (docs/es-facts.md).
    sb.faults.inject({
      method: 'POST',
      path: '/_security/_query/api_key',
      status: 400,
      body: json({
        error: {
          type: 'feature_not_enabled_exception',
          reason: 'api keys are not enabled',
          'disabled.feature': 'api_keys',
        },
        status: 400,
      }),
    });
    const err = await es.countManagedKeys().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterResponseError);
    expect((err as ClusterResponseError).answer).toEqual({
      status: 400,
      type: 'feature_not_enabled_exception',
      reason: 'api keys are not enabled',
      disabledFeature: 'api_keys',
    });
  });

  it('GET / refused (no monitor): an AuthorizationError with status 403; a 503 is busy, status kept', async () => {
    sb.faults.clear();
    sb.faults.inject({
      method: 'GET',
      path: '/',
      status: 403,
      body: json({
        error: { type: 'security_exception', reason: 'action [cluster:monitor/main] is unauthorized' },
      }),
    });
    const forbidden = await es.clusterInfo().catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(AuthorizationError);
    expect((forbidden as AuthorizationError).answer?.status).toBe(403);
    sb.faults.clear();
    sb.faults.inject({ method: 'GET', path: '/', status: 503 });
    const busy = await es.clusterInfo().catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ClusterBusyError);
    expect((busy as ClusterBusyError).answer?.status).toBe(503);
  });
});

describe('ES adapter against Elasticsearch 8.4: with_limited_by is unknown', () => {
  it('the 400 is a ClusterResponseError naming the unrecognized parameter', async () => {
    const sb = await startSandbox({ port: 0, version: '8.4.3' });
    const es = adapterFor(sb);
    try {
      const err = await es.queryApiKeys({ withLimitedBy: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClusterResponseError);
      // BaseRestHandler's answer for an unknown parameter (reference §4.4).
      expect((err as ClusterResponseError).answer).toEqual({
        status: 400,
        type: 'illegal_argument_exception',
        reason: 'request [/_security/_query/api_key] contains unrecognized parameter: [with_limited_by]',
        unrecognizedParameters: ['with_limited_by'],
      });
    } finally {
      await es.close();
      await sb.close();
    }
  });
});

describe('clusterAnswerFrom: the facts read from an error answer', () => {
  it.each([
    [
      // BaseRestHandler lists every unknown parameter, each with its suggestion (reference §4.4).
      'unknown parameters with suggestions',
      400,
      {
        error: {
          type: 'illegal_argument_exception',
          reason:
            'request [/_security/api_key] contains unrecognized parameters: [bogus], [refesh] -> did you mean [refresh]?',
        },
      },
      { unrecognizedParameters: ['bogus', 'refesh'] },
    ],
    [
      // Older nodes with security off (docs/es-facts.md).
      'security must be explicitly enabled',
      500,
      {
        error: {
          type: 'exception',
          reason: 'Security must be explicitly enabled when using a [basic] license',
        },
      },
      { disabledFeature: 'security' },
    ],
    ['a 403 is never read as a feature switched off', 403, { error: 'no handler found for uri [/x]' }, {}],
  ] as const)(
    '%s',
    (_name, status, body, expected: Pick<ClusterAnswer, 'unrecognizedParameters' | 'disabledFeature'>) => {
      const answer = clusterAnswerFrom(status, body);
      expect(answer.status).toBe(status);
      expect(answer.unrecognizedParameters).toEqual(expected.unrecognizedParameters);
      expect(answer.disabledFeature).toEqual(expected.disabledFeature);
    },
  );

  it.each([
    // RoleDescriptorRequestValidator (create/grant/update API key): docs/es-facts.md, "How
    // Elasticsearch refuses an unknown name".
    [
      'Validation Failed: 1: unknown cluster privilege [monitor_esql]. a privilege must be either one of the predefined cluster privilege names [monitor,manage,all] or a pattern over one of the available cluster actions;',
      { scope: 'cluster', name: 'monitor_esql' },
    ],
    [
      'Validation Failed: 1: unknown index privilege [read_failure_store]. a privilege must be either one of the predefined fixed indices privileges [all,read] or a pattern over one of the available index actions;',
      { scope: 'index', name: 'read_failure_store' },
    ],
  ] as const)('a 400 naming an unknown privilege: %s', (reason, expected) => {
    const body = { error: { type: 'action_request_validation_exception', reason } };
    expect(clusterAnswerFrom(400, body).unknownPrivilege).toEqual(expected);
    // Only a 400 is the validation refusal.
    expect(clusterAnswerFrom(500, body).unknownPrivilege).toBeUndefined();
  });
});
