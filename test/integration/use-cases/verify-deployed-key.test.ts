// Verifying a deployed key (core/use-cases/verify-deployed-key.ts): which key is tested, read
// through an in-memory dotenv reader, and its probes run against the sandbox.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEsCluster } from '../../../src/adapters/es/es-cluster.js';
import { ConfigError } from '../../../src/core/errors.js';
import { RoleTemplateSchema } from '../../../src/core/templates/schema.js';
import {
  type DeployedKeySources,
  probeDeployedKey,
  readDeployedKey,
} from '../../../src/core/use-cases/verify-deployed-key.js';
import { FakeClock, fakeRandom } from '../../support/fake-clock.js';
import { mintKey, type ProbeSandbox, startProbeSandbox } from '../../support/sandbox-helpers.js';

/** base64 of `key-id-1:secret`: the shape of the `encoded` value Elasticsearch returns. */
const ENCODED = 'a2V5LWlkLTE6c2VjcmV0';

/** Sources with nothing set, dotenv files from `files` (absolute path → variables). */
function sources(
  over: Partial<DeployedKeySources> = {},
  files: Record<string, Record<string, string>> = {},
): DeployedKeySources {
  return {
    env: {},
    readDotenv: (path) => files[path],
    outputs: { key_var: 'ELASTICSEARCH_API_KEY', env_files: ['.env', 'worker/.env'] },
    absolute: (f) => `/project/${f}`,
    ...over,
  };
}

describe('readDeployedKey: which key is tested', () => {
  it.each([
    ['--key-env', sources({ keyEnv: 'MY_KEY', env: { MY_KEY: ENCODED } }), 'the key in MY_KEY'],
    [
      '--env-file',
      sources(
        { envFile: { path: '/cwd/deploy.env', label: 'deploy.env' } },
        { '/cwd/deploy.env': { ELASTICSEARCH_API_KEY: ENCODED } },
      ),
      'the key in ELASTICSEARCH_API_KEY (deploy.env)',
    ],
    [
      "the template's key_var in the environment",
      sources({ env: { ELASTICSEARCH_API_KEY: ` ${ENCODED}\n` } }),
      'the key in ELASTICSEARCH_API_KEY',
    ],
    [
      'the first of its env files that holds it (paths against the project)',
      sources({}, { '/project/worker/.env': { ELASTICSEARCH_API_KEY: ENCODED } }),
      'the key in ELASTICSEARCH_API_KEY (worker/.env)',
    ],
  ])('%s', (_name, s, source) => {
    const key = readDeployedKey(s);
    expect(key.id).toBe('key-id-1');
    expect(key.source).toBe(source);
    expect(key.encoded.reveal()).toBe(ENCODED);
  });

  it.each([
    [
      'an unset --key-env',
      sources({ keyEnv: 'MY_KEY' }),
      'environment variable MY_KEY (--key-env) is not set or empty',
    ],
    [
      'a missing --env-file',
      sources({ envFile: { path: '/cwd/deploy.env', label: 'deploy.env' } }),
      'env file deploy.env does not exist',
    ],
    [
      'an --env-file without the variable',
      sources({ envFile: { path: '/cwd/deploy.env', label: 'deploy.env' } }, { '/cwd/deploy.env': {} }),
      'deploy.env has no ELASTICSEARCH_API_KEY',
    ],
    [
      'no key anywhere',
      sources(),
      'no key to verify: ELASTICSEARCH_API_KEY is not set in the environment or in .env, worker/.env; pass --key-env VAR or --env-file FILE',
    ],
    [
      'a value that is not an encoded key',
      sources({ env: { ELASTICSEARCH_API_KEY: 'not-base64!' } }),
      'the key in ELASTICSEARCH_API_KEY is not an encoded API key (base64 of id:api_key, the "encoded" value Elasticsearch returns)',
    ],
  ])('%s is a ConfigError (exit 2) naming it', (_name, s, message) => {
    let error: unknown;
    try {
      readDeployedKey(s);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(message);
    expect((error as ConfigError).exitCode).toBe(2);
  });
});

describe('probeDeployedKey against the sandbox', () => {
  let sb: ProbeSandbox;
  beforeAll(async () => {
    sb = await startProbeSandbox();
  });
  afterAll(async () => sb?.close());

  const template = RoleTemplateSchema.parse({
    name: 'email-search',
    role_descriptors: {
      'email-search': {
        cluster: ['monitor'],
        indices: [{ names: ['gmail_emails-*'], privileges: ['read', 'index', 'create_index'] }],
      },
    },
    probes: { allow: ['cluster.health'], deny: ['doc.delete'] },
  });

  function run(cluster: ReturnType<typeof createEsCluster>, adminAvailable: boolean, encoded: string) {
    const lines: string[] = [];
    const key = readDeployedKey(sources({ env: { ELASTICSEARCH_API_KEY: encoded } }));
    const report = probeDeployedKey({
      ctx: {
        clock: new FakeClock(new Date().toISOString()),
        random: fakeRandom(),
        signal: new AbortController().signal,
      },
      connection: { cluster, adminAvailable },
      key,
      template,
      environment: 'prod',
      reporter: { step: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`) },
      describe: (admin) => `verifying with ${key.source}${admin ? '' : ' (key only)'}`,
    });
    return { report, lines };
  }

  it("passes a key that holds exactly the template's privileges: health answers, delete is refused", async () => {
    const minted = await mintKey(sb.admin, template.role_descriptors, 'deployed-exact');
    // The admin connection of the use case: it is closed afterwards, so the test opens its own.
    const admin = createEsCluster(sb.settings, { retry: { retries: 0 } });
    const { report, lines } = run(admin, true, minted.encoded.reveal());
    const r = await report;
    expect(lines[0]).toBe('verifying with the key in ELASTICSEARCH_API_KEY');
    expect(r.passed).toBe(true);
    expect(r.results.map((x) => [x.op, x.expected, x.verdict])).toEqual([
      ['cluster.health', 'allow', 'pass'],
      ['doc.delete', 'deny', 'pass'],
    ]);
  });

  it('fails a key that may delete documents, probing key-only (no admin credentials)', async () => {
    const minted = await mintKey(
      sb.admin,
      { broad: { cluster: ['monitor'], indices: [{ names: ['gmail_emails-*'], privileges: ['all'] }] } },
      'deployed-broad',
    );
    const keyOnly = createEsCluster({ ...sb.settings, auth: { kind: 'api_key', apiKey: minted.encoded } });
    const { report, lines } = run(keyOnly, false, minted.encoded.reveal());
    const r = await report;
    expect(lines[0]).toBe('verifying with the key in ELASTICSEARCH_API_KEY (key only)');
    expect(r.passed).toBe(false);
    const del = r.results.find((x) => x.op === 'doc.delete');
    expect([del?.mode, del?.verdict]).toEqual(['live', 'fail']);
  });
});
