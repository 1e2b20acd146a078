import { describe, expect, it } from 'vitest';
import { liveLintSeverity } from '../../../src/core/inventory/severity.js';

// The one lint → live-key severity mapping inventory and review share (docs/INVENTORY.md,
// docs/REVIEW.md). Expectations are the documented table, written out.
describe('liveLintSeverity', () => {
  it.each([
    ['grant-all error', 'grant-all', 'error', undefined, 'critical'],
    ['manage_api_key', 'security-privilege-on-service-key', 'error', 'manage_api_key', 'critical'],
    ['manage_security', 'security-privilege-on-service-key', 'error', 'manage_security', 'critical'],
    ['manage_own_api_key alone', 'security-privilege-on-service-key', 'error', 'manage_own_api_key', 'high'],
    [
      'read_security (a lint warning)',
      'security-privilege-on-service-key',
      'warning',
      'read_security',
      'medium',
    ],
    ['write (it deletes documents too)', 'write-includes-delete', 'error', 'write', 'high'],
    ['manage', 'grant-manage', 'error', 'manage', 'high'],
    ['explicit delete (a lint warning)', 'grant-delete', 'warning', 'delete', 'medium'],
    ['a pattern of `*`', 'broad-pattern', 'error', '*', 'high'],
    ['a leading wildcard (a lint warning)', 'broad-pattern', 'warning', '*-logs', 'medium'],
    ['create (a lint info)', 'create-overwrites', 'info', 'create', 'info'],
    ['a deny probe the privileges allow', 'deny-probe-allowed', 'error', undefined, 'high'],
  ] as const)('%s', (_name, rule, lint, privilege, expected) => {
    expect(liveLintSeverity(rule, lint, privilege)).toBe(expected);
  });
});
