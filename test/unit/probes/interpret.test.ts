import { describe, expect, it } from 'vitest';
import { classify, rejectionReason, verdictOf } from '../../../src/core/probes/interpret.js';

const esError = (status: number, type: string, reason = 'r') => ({
  status,
  body: { error: { root_cause: [{ type, reason }], type, reason }, status },
});

describe('classify and verdictOf', () => {
  it.each([
    ['allow 201 passes', 'doc.index', 'allow', { status: 201, body: {} }, 'allowed', 'pass'],
    ['allow 403 fails', 'doc.index', 'allow', esError(403, 'security_exception'), 'denied', 'fail'],
    [
      'deny 403 security_exception passes',
      'doc.delete',
      'deny',
      esError(403, 'security_exception'),
      'denied',
      'pass',
    ],
    ['deny 200 fails loudly', 'cluster.put_settings', 'deny', { status: 200, body: {} }, 'allowed', 'fail'],
    [
      'deny 404 on a fresh index means the key has it',
      'index.delete',
      'deny',
      esError(404, 'index_not_found_exception'),
      'authorized',
      'fail',
    ],
    [
      'deny 404 not_found of a fresh doc id means the key has it',
      'doc.delete',
      'deny',
      { status: 404, body: { result: 'not_found' } },
      'authorized',
      'fail',
    ],
    [
      'deny 400 is an error, not a pass',
      'index.put_settings',
      'deny',
      esError(400, 'illegal_argument_exception'),
      'other',
      'error',
    ],
    [
      'deny 403 without security_exception is an error',
      'index.delete',
      'deny',
      esError(403, 'cluster_block_exception'),
      'other',
      'error',
    ],
    [
      'allow 409 on the fixed doc.create id passes',
      'doc.create',
      'allow',
      esError(409, 'version_conflict_engine_exception'),
      'authorized',
      'pass',
    ],
    [
      'allow 409 elsewhere is an error',
      'doc.index',
      'allow',
      esError(409, 'version_conflict_engine_exception'),
      'authorized',
      'error',
    ],
    [
      'allow 400 resource_already_exists on index.create passes',
      'index.create',
      'allow',
      esError(400, 'resource_already_exists_exception'),
      'authorized',
      'pass',
    ],
    [
      'allow 404 found:false on doc.get passes',
      'doc.get',
      'allow',
      { status: 404, body: { found: false } },
      'authorized',
      'pass',
    ],
    [
      'allow 404 index_not_found is an error',
      'search',
      'allow',
      esError(404, 'index_not_found_exception'),
      'authorized',
      'error',
    ],
    // Busy is not denied (issue 10): 429/503 say nothing about the key; run-probes retries them
    // and rates what is left inconclusive. A 500 is still an unexpected answer.
    [
      'allow 429 is inconclusive',
      'search',
      'allow',
      esError(429, 'es_rejected_execution_exception'),
      'busy',
      'inconclusive',
    ],
    [
      'deny 503 (no master) is inconclusive, not failed',
      'doc.delete',
      'deny',
      esError(503, 'cluster_block_exception'),
      'busy',
      'inconclusive',
    ],
    ['deny 500 is an error', 'doc.delete', 'deny', esError(500, 'exception'), 'other', 'error'],
  ] as const)('%s', (_name, op, expected, res, kind, verdict) => {
    const o = classify(op, res);
    expect(o.kind).toBe(kind);
    expect(verdictOf(op, expected, o)).toBe(verdict);
  });

  it('reads the per-item status of a bulk response', () => {
    const denied = classify('bulk.delete', {
      status: 200,
      body: {
        errors: true,
        items: [{ delete: { status: 403, error: { type: 'security_exception', reason: 'no' } } }],
      },
    });
    expect(denied).toMatchObject({ kind: 'denied', got: '200, item 403 security_exception' });
    const deleted = classify('bulk.delete', {
      status: 200,
      body: { items: [{ delete: { status: 200, result: 'deleted' } }] },
    });
    expect(deleted.kind).toBe('allowed');
  });

  it('recognises a rejected key and extracts the reason', () => {
    const res = {
      status: 401,
      body: {
        error: {
          type: 'security_exception',
          reason:
            'unable to authenticate with provided credentials and anonymous access is not allowed for this request',
          additional_unsuccessful_credentials: 'API key: api key [abc] has been invalidated',
        },
      },
    };
    expect(classify('search', res).kind).toBe('rejected');
    expect(rejectionReason(res.body)).toBe('api key [abc] has been invalidated');
  });
});
