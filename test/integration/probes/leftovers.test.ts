import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mintKey,
  type ProbeSandbox,
  probeLeftovers,
  probeLeftoversOverHttp,
  startProbeSandbox,
} from '../../support/sandbox-helpers.js';
import { usingRealCluster } from '../../support/test-cluster.js';

let env: ProbeSandbox;
beforeAll(async () => {
  env = await startProbeSandbox();
});
afterAll(async () => {
  await env?.close();
});

describe('probe leftover listing (test support)', () => {
  // Sandbox only: it creates probe-named resources on purpose and checks the HTTP listing against the state.
  it.skipIf(usingRealCluster)(
    'over HTTP lists what the sandbox state holds: hidden indices, aliases, templates, policies, pipelines, keys',
    async () => {
      const put = (path: string, body: unknown) => env.admin.adminRequest({ method: 'PUT', path, body });
      await put('/gmail_emails-eskeys-probe', { settings: { index: { hidden: true } } });
      await put('/gmail_emails-eskeys-probe-1a2b', { settings: { index: { hidden: true } } });
      await env.admin.adminRequest({
        method: 'POST',
        path: '/_aliases',
        body: {
          actions: [
            {
              add: {
                index: 'gmail_emails-eskeys-probe',
                alias: 'gmail_emails-eskeys-probe-1a2b-alias',
                is_hidden: true,
              },
            },
          ],
        },
      });
      await put('/_index_template/eskeys-probe-1a2b-tpl', {
        index_patterns: ['eskeys-probe-1a2b-tpl-*'],
        priority: 1000123,
      });
      await put('/_ilm/policy/eskeys-probe-1a2b-ilm', {
        policy: { phases: { hot: { min_age: '0ms', actions: {} } } },
      });
      await put('/_ingest/pipeline/eskeys-probe-1a2b-pipeline', { processors: [] });
      await mintKey(env.admin, { noop: {} }, 'eskeys-probe-1a2b-key');
      await mintKey(env.admin, { noop: {} }, 'unrelated-key');

      const expected = [
        'API key eskeys-probe-1a2b-key',
        'ILM policy eskeys-probe-1a2b-ilm',
        'alias gmail_emails-eskeys-probe-1a2b-alias',
        'index gmail_emails-eskeys-probe-1a2b',
        'index template eskeys-probe-1a2b-tpl',
        'pipeline eskeys-probe-1a2b-pipeline',
      ];
      if (env.sandbox) expect(probeLeftovers(env.sandbox)).toEqual(expected);
      expect(await probeLeftoversOverHttp(env.admin)).toEqual(expected);
    },
  );
});
