import { describe, expect, it } from 'vitest';
import { backingIndexName } from '../../../src/sandbox/data/data-streams.js';
import { nextRolloverName } from '../../../src/sandbox/data/rollover.js';

describe('backing index names (DataStream.getDefaultBackingIndexName)', () => {
  it('are .ds-<stream>-<uuuu.MM.dd in UTC>-<generation on 6 digits>', () => {
    // 2020-12-31T23:30:00-01:00 is already 2021-01-01 in UTC.
    expect(backingIndexName('logs-app', 1, Date.parse('2020-12-31T23:30:00-01:00'))).toBe(
      '.ds-logs-app-2021.01.01-000001',
    );
    expect(backingIndexName('metrics', 1234567, Date.UTC(2099, 2, 7))).toBe('.ds-metrics-2099.03.07-1234567');
  });
});

describe('rollover index names (MetadataRolloverService.generateRolloverIndexName)', () => {
  it('increments the trailing number, padded to 6 digits', () => {
    // Elasticsearch's own test expectations: index-name-1 → index-name-000002.
    expect(nextRolloverName('index-name-1')).toBe('index-name-000002');
    expect(nextRolloverName('index-name-2')).toBe('index-name-000003');
    expect(nextRolloverName('app-000009')).toBe('app-000010');
  });

  it('refuses a name without a trailing number', () => {
    expect(() => nextRolloverName('unnumbered')).toThrow(
      "index name [unnumbered] does not match pattern '^.*-\\d+$'",
    );
  });
});
