import { describe, expect, it } from 'vitest';
import type { ApiKeyInfo } from '../../../src/core/cluster-port.js';
import { variableHolders } from '../../../src/core/rotation/variable-holders.js';
import { Secret } from '../../../src/core/secret.js';

/** An encoded API key is base64("id:api_key") (Elasticsearch's create API key response, `encoded`). */
const encoded = (id: string) => Buffer.from(`${id}:not-a-real-secret-value`).toString('base64');

function info(id: string, metadata: Record<string, unknown>, name = 'k'): ApiKeyInfo {
  return {
    id,
    name,
    creation: new Date(0),
    invalidated: false,
    username: 'admin',
    realm: 'native',
    metadata,
  };
}

const managed = (template: string, environment: string, generation: number) => ({
  managed_by: 'eskeys',
  template,
  environment,
  generation,
});

/** Env files as a table of file → variables. */
function files(table: Record<string, Record<string, string>>) {
  return {
    readVar: async (f: string, n: string) =>
      table[f]?.[n] === undefined ? undefined : new Secret(table[f]![n]!),
  };
}

function cluster(keys: ApiKeyInfo[]) {
  return { getApiKey: async (id: string) => keys.find((k) => k.id === id) };
}

const scope = { template: 'app', environment: 'prod' };

describe('variableHolders', () => {
  it.each([
    ['not set', {}, [], 'unset', 'not set'],
    [
      'this scope, id read from the key',
      { K: encoded('id-0001') },
      [info('id-0001', managed('app', 'prod', 3))],
      'this',
      'app@prod#3 (…0001)',
    ],
    [
      'this scope, id from the id variable wins',
      { K: 'garbage', I: 'id-0002' },
      [info('id-0002', managed('app', 'prod', 4))],
      'this',
      'app@prod#4 (…0002)',
    ],
    [
      "another template's key",
      { K: encoded('id-0003') },
      [info('id-0003', managed('other', 'prod', 1))],
      'other',
      "other@prod#1 (…0003): another template's or environment's key",
    ],
    [
      'a hand-made key',
      { K: encoded('id-0004') },
      [info('id-0004', {}, 'manual')],
      'unmanaged',
      'key manual (…0004) that eskeys does not manage',
    ],
    [
      'a key the cluster does not know',
      { K: encoded('id-0005') },
      [],
      'unknown',
      'key …0005, unknown to the cluster',
    ],
    ['not an encoded key', { K: 'plain text' }, [], 'unknown', 'a value that is not an encoded API key'],
  ])('%s', async (_name, vars, keys, holder, description) => {
    const [h] = await variableHolders(
      scope,
      { envFiles: ['/p/.env'], keyVar: 'K', idVar: 'I' },
      files({ '/p/.env': vars as Record<string, string> }),
      cluster(keys),
    );
    expect(h).toMatchObject({ file: '/p/.env', variable: 'K', holder, description });
  });
});
