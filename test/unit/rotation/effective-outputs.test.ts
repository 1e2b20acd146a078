import { describe, expect, it } from 'vitest';
import { toEffectiveOutputs } from '../../../src/core/rotation/outputs.js';
import { OutputsSchema } from '../../../src/core/templates/schema.js';

const absolute = (f: string) => (f.startsWith('/') ? f : `/project/${f}`);

describe('toEffectiveOutputs', () => {
  it('applies every default: ELASTICSEARCH_API_KEY, mode 0600, no symlinks followed, no hooks', () => {
    expect(
      toEffectiveOutputs(OutputsSchema.parse({ env_files: ['.env', '/srv/app/.env'] }), absolute),
    ).toEqual({
      envFiles: ['/project/.env', '/srv/app/.env'],
      keyVar: 'ELASTICSEARCH_API_KEY',
      idVar: undefined,
      followSymlinks: false,
      mode: 0o600,
      restart: undefined,
      healthCheck: undefined,
    });
  });

  it('keeps what the outputs say, durations in milliseconds', () => {
    const o = OutputsSchema.parse({
      env_files: ['worker/.env'],
      key_var: 'ES_KEY',
      id_var: 'ES_KEY_ID',
      follow_symlinks: true,
      mode: '0640',
      restart: { command: 'systemctl restart app', timeout: '90s' },
      health_check: { url: 'http://localhost:8080/health', timeout: '5s', expect_status: 204 },
    });
    expect(toEffectiveOutputs(o, absolute)).toEqual({
      envFiles: ['/project/worker/.env'],
      keyVar: 'ES_KEY',
      idVar: 'ES_KEY_ID',
      followSymlinks: true,
      mode: 0o640,
      restart: { command: 'systemctl restart app', timeoutMs: 90_000 },
      healthCheck: { kind: 'url', url: 'http://localhost:8080/health', timeoutMs: 5_000, expectStatus: 204 },
    });
  });
});
