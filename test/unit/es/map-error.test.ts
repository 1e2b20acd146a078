import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { mapEsError } from '../../../src/adapters/es/map-error.js';
import { ClusterBusyError, ClusterUnavailableError } from '../../../src/core/errors.js';

const URL = 'http://es:9200';

function response(statusCode: number, type: string): errors.ResponseError {
  return new errors.ResponseError({
    body: { error: { type, reason: type }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

/**
 * Busy (worth another try of an idempotent request) versus down: the probe runner retries only
 * ClusterBusyError. Both are exit 3.
 */
describe('mapEsError: busy or unavailable', () => {
  it.each([
    ['429 (saturated thread pool)', response(429, 'es_rejected_execution_exception'), true],
    ['502 (proxy)', response(502, 'bad_gateway'), true],
    ['503 (no master)', response(503, 'cluster_block_exception'), true],
    ['504 (proxy timeout)', response(504, 'gateway_timeout'), true],
    ['a request timeout', new errors.TimeoutError('Request timed out'), true],
    ['a dropped connection', new errors.ConnectionError('socket hang up'), true],
    ['500 (a bug on the cluster)', response(500, 'exception'), false],
    ['connection refused', new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9'), false],
    ['unknown host', new errors.ConnectionError('getaddrinfo ENOTFOUND es.invalid'), false],
  ])('%s', (_name, error, busy) => {
    const mapped = mapEsError(error, URL, 'probing');
    expect(mapped).toBeInstanceOf(ClusterUnavailableError);
    expect(mapped.exitCode).toBe(3);
    expect(mapped instanceof ClusterBusyError).toBe(busy);
  });

  it('a body that is not valid JSON is exit 3 and its text (which may hold a secret) is not quoted', () => {
    const error = new errors.DeserializationError(
      'Unexpected token in {"api_key":"s3cr3t',
      '{"api_key":"s3cr3t',
    );
    const mapped = mapEsError(error, URL, 'creating API key k');
    expect(mapped).toBeInstanceOf(ClusterUnavailableError);
    expect(mapped.message).toBe(
      'cluster http://es:9200 sent a body that is not valid JSON while creating API key k',
    );
  });
});
