import { errors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { mapEsError } from '../../../src/adapters/es/map-error.js';
import {
  AuthenticationError,
  AuthorizationError,
  ClusterBusyError,
  ClusterResponseError,
  ClusterUnavailableError,
  clusterAnswerOf,
} from '../../../src/core/errors.js';

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

/**
 * An error status other than 401, 403, 429 and 5xx keeps its status, type and reason as fields
 * (it used to reach core as a bare "cluster unavailable" whose text had to be matched).
 */
describe('mapEsError: other error statuses', () => {
  it('a 400 is a ClusterResponseError (exit 3) with the answer and the same one-line message', () => {
    const mapped = mapEsError(response(400, 'x_content_parse_exception'), URL, 'querying API keys');
    expect(mapped).toBeInstanceOf(ClusterResponseError);
    expect(mapped).toBeInstanceOf(ClusterUnavailableError);
    expect(mapped.exitCode).toBe(3);
    expect(mapped.message).toBe(
      'cluster http://es:9200 refused querying API keys (400): x_content_parse_exception',
    );
    expect((mapped as ClusterResponseError).answer).toEqual({
      status: 400,
      type: 'x_content_parse_exception',
      reason: 'x_content_parse_exception',
    });
  });

  it.each([
    [401, AuthenticationError],
    [403, AuthorizationError],
    [503, ClusterBusyError],
  ] as const)('a %i carries its answer too', (status, Class) => {
    const mapped = mapEsError(response(status, 'security_exception'), URL, 'authenticating');
    expect(mapped).toBeInstanceOf(Class);
    expect(clusterAnswerOf(mapped)).toEqual({
      status,
      type: 'security_exception',
      reason: 'security_exception',
    });
  });
});
