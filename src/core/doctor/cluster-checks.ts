import type { AdminIdentity, ClusterInfo, ClusterPort } from '../cluster-port.js';
import { MANAGED_BY } from '../cluster-port.js';
import { type ClusterAnswer, clusterAnswerOf, type EskeysError, isEskeysError } from '../errors.js';
import { atLeast, type EsVersion, parseEsVersion } from '../es-version.js';
import type { RoleTemplate } from '../templates/schema.js';
import { check, type DoctorCheck, skipped } from './check.js';
import {
  countRequested,
  delegationRequests,
  describeMissing,
  missingPrivileges,
  privilegesMissingInMajor,
} from './delegation.js';
import { keysInUseCheck } from './keys-in-use-check.js';

function oneLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}

/** `: reason` of a cluster answer, on one line, or nothing. */
function reasonSuffix(answer: ClusterAnswer | undefined): string {
  return answer?.reason ? `: ${oneLine(answer.reason)}` : '';
}

/** What the cluster part of doctor learns and needs. */
export interface ClusterDoctorInput {
  /** How the admin authenticates according to the connection settings. */
  readonly adminAuthKind: 'user' | 'api_key';
  /** Valid templates to check delegation for. */
  readonly templates: readonly RoleTemplate[];
  /** Files of invalid templates (their delegation checks are skipped). */
  readonly invalidTemplates: readonly string[];
}

/** The cluster checks and whether the cluster was unreachable or refused the credentials. */
export interface ClusterDoctorResult {
  readonly checks: DoctorCheck[];
  /** Version as reported (absent when unknown). */
  readonly version?: EsVersion;
}

/** Every cluster-side check, skipped for `because` (no connection settings, unknown environment, ...). */
export function skippedClusterChecks(input: ClusterDoctorInput, because: string): DoctorCheck[] {
  const out: DoctorCheck[] = [skipped('connection', 'reachable', because)];
  out.push(skipped('identity', 'admin', because), skipped('identity', 'kind', because));
  out.push(skipped('cluster', 'version', because), skipped('cluster', 'features', because));
  out.push(skipped('cluster', 'security', because), skipped('cluster', 'api_keys', because));
  out.push(skipped('delegation', 'api_key_admin', because));
  for (const t of input.templates) out.push(skipped('delegation', 'template', because, { subject: t.name }));
  for (const f of input.invalidTemplates)
    out.push(skipped('delegation', 'template', 'the template is invalid (see project)', { subject: f }));
  out.push(skipped('delegation', 'keys_in_use', because));
  return out;
}

const UNREACHABLE_FIX =
  'check the URL (--url / ESKEYS_URL), that the cluster is running and reachable from here, and its TLS settings (--ca / --ca-fingerprint)';

/**
 * Connection, identity, cluster and delegation checks, in that order; each later check is skipped
 * with a reason when one it depends on failed. Read-only: it authenticates, reads `GET /`, counts
 * managed keys with the query API and asks `_has_privileges` — it never creates or changes anything.
 */
export async function clusterChecks(
  cluster: ClusterPort,
  input: ClusterDoctorInput,
): Promise<ClusterDoctorResult> {
  const checks: DoctorCheck[] = [];
  const skipRest = (because: string, from: 'identity' | 'delegation' = 'identity') => {
    if (from === 'identity') {
      checks.push(skipped('identity', 'admin', because), skipped('identity', 'kind', because));
      checks.push(skipped('cluster', 'version', because), skipped('cluster', 'features', because));
      checks.push(skipped('cluster', 'security', because), skipped('cluster', 'api_keys', because));
    }
    checks.push(skipped('delegation', 'api_key_admin', because));
    for (const t of input.templates)
      checks.push(skipped('delegation', 'template', because, { subject: t.name }));
    for (const f of input.invalidTemplates)
      checks.push(skipped('delegation', 'template', 'the template is invalid (see project)', { subject: f }));
    checks.push(skipped('delegation', 'keys_in_use', because));
  };

  // 1. Reach the cluster and authenticate. `_authenticate` needs no privilege (reference §2).
  let who: AdminIdentity;
  try {
    who = await cluster.authenticate();
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    const answer = clusterAnswerOf(error);
    if (answer?.disabledFeature === 'security') {
      checks.push(check('connection', 'reachable', 'ok', `${cluster.url} answers`));
      // `GET /` answers without credentials when security is off.
      const versionChecks = versionAndFeatures(await readInfo(cluster));
      checks.push(
        skipped('identity', 'admin', 'security is disabled on the cluster'),
        skipped('identity', 'kind', 'security is disabled on the cluster'),
        ...versionChecks.checks,
        check(
          'cluster',
          'security',
          'fail',
          'security is disabled (xpack.security.enabled: false): the cluster has no API keys',
          {
            fix: 'enable security on the cluster (xpack.security.enabled: true); API keys need it',
          },
        ),
        skipped('cluster', 'api_keys', 'security is disabled'),
      );
      skipRest('security is disabled', 'delegation');
      return { checks, version: versionChecks.version };
    }
    if (!answer) {
      checks.push(
        check('connection', 'reachable', 'fail', error.message, {
          fix: UNREACHABLE_FIX,
          failure: 'unavailable',
        }),
      );
      skipRest('the cluster is unreachable');
      return { checks };
    }
    if (answer.status >= 500 || answer.status === 429) {
      checks.push(
        check(
          'connection',
          'reachable',
          'fail',
          `${cluster.url} answered ${answer.status}${reasonSuffix(answer)}`,
          {
            fix: 'the cluster is up but unhealthy or overloaded; retry later or check its logs',
            failure: 'unavailable',
          },
        ),
      );
      skipRest(`the cluster answered ${answer.status}`);
      return { checks };
    }
    checks.push(check('connection', 'reachable', 'ok', `${cluster.url} answers`));
    if (answer.status === 401) {
      checks.push(
        check(
          'identity',
          'admin',
          'fail',
          `the cluster rejected the admin credentials (401)${reasonSuffix(answer)}`,
          {
            fix:
              input.adminAuthKind === 'api_key'
                ? 'check ESKEYS_API_KEY: the key may be wrong, expired or invalidated'
                : 'check ESKEYS_USERNAME / ESKEYS_PASSWORD (environment, .eskeys.env or the credentials_file)',
            failure: 'unavailable',
          },
        ),
        skipped('identity', 'kind', 'the admin could not authenticate'),
      );
      for (const name of ['version', 'features', 'security', 'api_keys'])
        checks.push(skipped('cluster', name, 'the admin could not authenticate'));
      skipRest('the admin could not authenticate', 'delegation');
      return { checks };
    }
    checks.push(
      check('identity', 'admin', 'fail', `_authenticate answered ${answer.status}${reasonSuffix(answer)}`, {
        fix: 'check that the URL points at Elasticsearch (not a proxy page or Kibana)',
        failure: 'unavailable',
      }),
    );
    for (const name of ['kind', 'version', 'features', 'security', 'api_keys'])
      checks.push(
        skipped(name === 'kind' ? 'identity' : 'cluster', name, `_authenticate answered ${answer.status}`),
      );
    skipRest(`_authenticate answered ${answer.status}`, 'delegation');
    return { checks };
  }
  checks.push(check('connection', 'reachable', 'ok', `${cluster.url} answers`));

  // 2. Who the admin is.
  const realm = who.authenticationRealm;
  const isApiKey = who.authenticationType === 'api_key' || input.adminAuthKind === 'api_key';
  const roles = who.roles.length > 0 ? `; roles: ${who.roles.join(', ')}` : '';
  // The built-in superuser works, but then nothing but the templates limits the keys' owner.
  const superuser = !isApiKey && who.roles.includes('superuser');
  checks.push(
    check(
      'identity',
      'admin',
      superuser ? 'warn' : 'ok',
      isApiKey
        ? `API key ${[who.apiKey?.name, who.apiKey?.id && `(id ${who.apiKey.id})`].filter(Boolean).join(' ')} owned by ${who.username} (authentication_type api_key)`
        : `${who.username} (realm ${realm?.name ?? '?'}, type ${realm?.type ?? '?'}, authentication_type ${who.authenticationType ?? '?'}${roles})`,
      superuser
        ? {
            fix: 'works, but a superuser admin is more power than eskeys needs; prefer a dedicated user whose role holds manage_api_key and exactly what the templates delegate (docs/DOCTOR.md)',
          }
        : {},
    ),
  );
  if (isApiKey) {
    checks.push(
      check(
        'identity',
        'kind',
        'fail',
        'the admin is an API key: Elasticsearch lets an API key mint only keys without privileges and never update keys, so create, rotate, tick and schedule cannot work (verify, status and revoke can)',
        {
          fix: 'authenticate eskeys as a user holding manage_api_key and every delegated privilege (ESKEYS_USERNAME / ESKEYS_PASSWORD)',
        },
      ),
    );
  } else {
    checks.push(check('identity', 'kind', 'ok', 'a user: may mint keys with privileges and update them'));
  }

  // 3. Version (`GET /` needs monitor: a 403 only warns), features, security, the API key service.
  const versionChecks = versionAndFeatures(await readInfo(cluster));
  const version = versionChecks.version;
  checks.push(...versionChecks.checks);
  checks.push(check('cluster', 'security', 'ok', 'security is enabled'));
  checks.push(await apiKeyServiceCheck(cluster, isApiKey ? undefined : who.username));

  // 4. Delegation.
  if (isApiKey) {
    const because = 'the admin is an API key, which cannot delegate privileges (see identity)';
    checks.push(skipped('delegation', 'api_key_admin', because));
    for (const t of input.templates)
      checks.push(skipped('delegation', 'template', because, { subject: t.name }));
  } else {
    checks.push(await apiKeyAdminCheck(cluster));
    for (const t of input.templates) checks.push(await templateDelegationCheck(cluster, t, version));
  }
  for (const f of input.invalidTemplates)
    checks.push(skipped('delegation', 'template', 'the template is invalid (see project)', { subject: f }));
  checks.push(
    isApiKey
      ? skipped(
          'delegation',
          'keys_in_use',
          'the admin is an API key, which cannot update keys (see identity)',
        )
      : await keysInUseCheck(cluster, who.username),
  );
  return { checks, version };
}

/** `GET /`, or the error that kept it from answering (doctor reports it and goes on). */
async function readInfo(cluster: ClusterPort): Promise<ClusterInfo | { error: EskeysError }> {
  try {
    return await cluster.clusterInfo();
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    return { error };
  }
}

/** The version line and the features that depend on it (update API 8.4, update expiration 8.13). */
export function versionAndFeatures(root: ClusterInfo | { error: EskeysError }): {
  checks: DoctorCheck[];
  version?: EsVersion;
} {
  if ('error' in root) {
    const answer = clusterAnswerOf(root.error);
    if (!answer) {
      return {
        checks: [
          check('cluster', 'version', 'warn', `cannot read the version: ${root.error.message}`, {
            fix: 'grant the admin the monitor cluster privilege so eskeys can check the version',
          }),
          skipped('cluster', 'features', 'the version is unknown'),
        ],
      };
    }
    const forbidden = answer.status === 403;
    return {
      checks: [
        check(
          'cluster',
          'version',
          'warn',
          forbidden
            ? 'cannot read the version: GET / needs the monitor cluster privilege (cluster:monitor/main), which the admin lacks'
            : `cannot read the version: GET / answered ${answer.status}${reasonSuffix(answer)}`,
          {
            fix: forbidden
              ? 'grant the admin monitor (optional: only doctor needs it) or check the version by hand: eskeys needs 8.x or 9.x, 8.13+ for expiring old keys'
              : 'check that the URL points at Elasticsearch',
          },
        ),
        skipped('cluster', 'features', 'the version is unknown'),
      ],
    };
  }
  const version = parseEsVersion(root.versionNumber, root.buildFlavor);
  if (!version) {
    return {
      checks: [
        check('cluster', 'version', 'warn', 'GET / did not report a version number', {
          fix: 'check that the URL points at Elasticsearch',
        }),
        skipped('cluster', 'features', 'the version is unknown'),
      ],
    };
  }
  if (version.serverless) {
    return {
      version,
      checks: [
        check('cluster', 'version', 'ok', `Elasticsearch serverless (${version.number})`),
        check('cluster', 'features', 'ok', 'query, update and expiration updates of API keys are available'),
      ],
    };
  }
  if (version.major < 8) {
    return {
      version,
      checks: [
        check(
          'cluster',
          'version',
          'fail',
          `Elasticsearch ${version.number} is not supported: eskeys needs 8.x or 9.x`,
          {
            fix: 'upgrade the cluster to 8.13 or later',
          },
        ),
        skipped('cluster', 'features', 'unsupported version'),
      ],
    };
  }
  const versionCheck =
    version.major > 9
      ? check(
          'cluster',
          'version',
          'warn',
          `Elasticsearch ${version.number}: newer than eskeys was tested with (8.x, 9.x)`,
          {
            fix: 'run `eskeys verify` after the first rotation and report any surprise',
          },
        )
      : check('cluster', 'version', 'ok', `Elasticsearch ${version.number}`);
  let features: DoctorCheck;
  if (!atLeast(version, 8, 4)) {
    features = check(
      'cluster',
      'features',
      'fail',
      `Elasticsearch ${version.number} has no update API key (8.4+): a rotation cannot mark the old key superseded or schedule its end`,
      { fix: 'upgrade the cluster to 8.13 or later' },
    );
  } else if (!atLeast(version, 8, 13)) {
    features = check(
      'cluster',
      'features',
      'warn',
      `Elasticsearch ${version.number} cannot update a key's expiration (8.13+): after a rotation the old key stays valid until its own expiration unless eskeys revokes it`,
      {
        fix: 'run `eskeys revoke --due` (or `eskeys tick`) on a schedule so superseded keys end after their grace, or upgrade to 8.13+',
      },
    );
  } else {
    features = check(
      'cluster',
      'features',
      'ok',
      'query API and expiration updates (8.13+): the cluster itself ends a superseded key after its grace',
    );
  }
  return { version, checks: [versionCheck, features] };
}

/**
 * Counts the managed keys with the query API (read-only), which also tells whether the API key
 * service is on: when `xpack.security.authc.api_key.enabled` is false, every API-key endpoint
 * fails with `"disabled.feature": "api_keys"` in its error (Kibana relies on the same field).
 */
async function apiKeyServiceCheck(cluster: ClusterPort, adminUser?: string): Promise<DoctorCheck> {
  let n: number;
  try {
    n = await cluster.countManagedKeys();
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    const answer = clusterAnswerOf(error);
    if (!answer) {
      return check('cluster', 'api_keys', 'fail', error.message, {
        fix: UNREACHABLE_FIX,
        failure: 'unavailable',
      });
    }
    if (answer.disabledFeature === 'api_keys') {
      return check(
        'cluster',
        'api_keys',
        'fail',
        'the API key service is disabled (xpack.security.authc.api_key.enabled: false)',
        {
          fix: 'enable API keys on every node: xpack.security.authc.api_key.enabled: true',
        },
      );
    }
    if (answer.status === 403) {
      return skipped('cluster', 'api_keys', 'the admin may not query API keys (see delegation)');
    }
    return check(
      'cluster',
      'api_keys',
      'warn',
      `the query API answered ${answer.status}${reasonSuffix(answer)}`,
      {
        fix: 'eskeys finds its keys with the query API; check the cluster logs',
      },
    );
  }
  const counted = `the API key service is enabled; ${n} key${n === 1 ? '' : 's'} managed by eskeys (visible to the admin)`;
  const owners = n > 0 && adminUser ? await foreignOwners(cluster, adminUser) : [];
  if (owners.length > 0) {
    return check(
      'cluster',
      'api_keys',
      'warn',
      `${counted}; valid ones also belong to ${owners.join(', ')}, and Elasticsearch lets only a key's owner update it: rotating those as ${adminUser} is refused before anything is minted`,
      {
        fix: `run eskeys as the owner of those keys (one admin user per project), or replace them once with \`eskeys rotate --now\``,
      },
    );
  }
  return check('cluster', 'api_keys', 'ok', counted);
}

/**
 * Owners (up to five) of valid managed keys that are not the admin's: retire could not update
 * them. Validity is judged by the cluster's clock (`now` in the query), not this machine's.
 */
async function foreignOwners(cluster: ClusterPort, adminUser: string): Promise<string[]> {
  try {
    const page = await cluster.queryApiKeys({
      size: 100,
      query: {
        bool: {
          filter: [{ term: { 'metadata.managed_by': MANAGED_BY } }, { term: { invalidated: false } }],
          must_not: [{ term: { username: adminUser } }],
          should: [
            { range: { expiration: { gt: 'now' } } },
            { bool: { must_not: [{ exists: { field: 'expiration' } }] } },
          ],
          minimum_should_match: 1,
        },
      },
    });
    return [...new Set(page.keys.map((k) => k.username))].sort().slice(0, 5);
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    return [];
  }
}

/** Can the admin create, update, query and invalidate keys at all? */
async function apiKeyAdminCheck(cluster: ClusterPort): Promise<DoctorCheck> {
  let r: Awaited<ReturnType<ClusterPort['hasPrivileges']>>;
  try {
    r = await cluster.hasPrivileges({ cluster: ['manage_api_key', 'manage_security', 'manage_own_api_key'] });
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    return check(
      'delegation',
      'api_key_admin',
      'fail',
      `cannot check the admin's privileges: ${error.message}`,
      {
        fix: UNREACHABLE_FIX,
      },
    );
  }
  // manage_security (and all) imply manage_api_key, so ask about the wider one first.
  if (r.cluster.manage_security) {
    return check(
      'delegation',
      'api_key_admin',
      'ok',
      'holds manage_security: may manage keys (more than eskeys needs; manage_api_key suffices)',
    );
  }
  if (r.cluster.manage_api_key) {
    return check(
      'delegation',
      'api_key_admin',
      'ok',
      "holds manage_api_key: may create keys, query and invalidate every user's REST keys, and update the keys it owns (Elasticsearch lets only a key's owner update it)",
    );
  }
  if (r.cluster.manage_own_api_key) {
    return check(
      'delegation',
      'api_key_admin',
      'warn',
      'holds only manage_own_api_key: eskeys sees and manages only keys this same user created; keys minted by another admin are invisible to status, rotate and revoke',
      {
        fix: 'grant the admin manage_api_key, so status, inventory and revoke see every managed key (rotating a key still needs its owner: run eskeys as one dedicated admin user)',
      },
    );
  }
  return check(
    'delegation',
    'api_key_admin',
    'fail',
    'the admin holds none of manage_api_key, manage_security, manage_own_api_key: it cannot create API keys',
    {
      fix: "add manage_api_key to the admin's role (cluster privileges)",
    },
  );
}

/**
 * Does the admin hold every privilege `template` delegates? When the cluster's version is known,
 * privileges its major does not have fail first: the cluster would refuse the key (400), and
 * `_has_privileges` refuses to check them.
 */
async function templateDelegationCheck(
  cluster: ClusterPort,
  template: RoleTemplate,
  version: EsVersion | undefined,
): Promise<DoctorCheck> {
  const subject = template.name;
  // Serverless reports no release whose privilege list eskeys knows.
  if (version && !version.serverless) {
    const absent = privilegesMissingInMajor(template.role_descriptors, version.major);
    if (absent.length > 0) {
      return check(
        'delegation',
        'template',
        'fail',
        `the template names privileges Elasticsearch ${version.number} does not have: ${absent.join('; ')}; the cluster refuses a key naming them`,
        {
          subject,
          fix: `drop them from the template, or use it only with clusters of the majors named`,
        },
      );
    }
  }
  const reqs = delegationRequests(template);
  if (reqs.length === 0) {
    return check('delegation', 'template', 'ok', 'delegates no privileges', { subject });
  }
  const missing = [];
  try {
    for (const req of reqs) {
      const r = await cluster.hasPrivileges({ cluster: req.cluster, index: req.index });
      missing.push(...missingPrivileges(req, r));
    }
  } catch (error) {
    if (!isEskeysError(error)) throw error;
    return check(
      'delegation',
      'template',
      'fail',
      `cannot check what the template delegates: ${error.message}`,
      {
        subject,
        fix: 'an unknown privilege is usually a name this Elasticsearch version does not have; check the template against the cluster',
      },
    );
  }
  const total = countRequested(reqs);
  if (missing.length === 0) {
    return check(
      'delegation',
      'template',
      'ok',
      `the admin holds ${total === 1 ? 'the 1 privilege' : `all ${total} privileges`} the template delegates`,
      {
        subject,
      },
    );
  }
  return check(
    'delegation',
    'template',
    'fail',
    `the admin lacks ${missing.length} of ${total} privilege${total === 1 ? '' : 's'} the template delegates: ${missing.map(describeMissing).join('; ')}`,
    {
      subject,
      details: [
        'a key never exceeds its owner: Elasticsearch would still create the key, silently without these privileges, and its allow probes would then fail',
      ],
      fix: `grant the admin's role ${missing.map(describeMissing).join(', ')} (or drop them from the template)`,
    },
  );
}
