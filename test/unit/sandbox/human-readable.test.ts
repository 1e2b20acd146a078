/**
 * The readable twins of `human=true` (src/sandbox/http/human-readable.ts). Expected strings are
 * Elasticsearch's renderings: TimeValue.toString and ByteSizeValue.toString (one decimal, cut,
 * dropped when 0: Strings.format1Decimals), percentageField's "%1.1f%%", and answers recorded
 * from Elasticsearch (`GET _data_stream/<ds>/_stats?human=true`: 147266949543 bytes read
 * "137.1gb", 208 bytes "208b").
 */
import { describe, expect, it } from 'vitest';
import {
  byteSizeString,
  dateString,
  humanTwins,
  percentString,
  timeValueString,
} from '../../../src/sandbox/http/human-readable.js';
import { isNotEmulated } from '../../../src/sandbox/http/not-emulated.js';
import { apiRouteOf } from '../../../src/sandbox/http/route-resolution.js';
import { buildRouter } from '../../../src/sandbox/index.js';

describe('readable renderings', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1_500, '1.5s'],
    [60_000, '1m'],
    [5_400_000, '1.5h'],
    [172_800_000, '2d'],
  ])('TimeValue of %i ms reads %s', (ms, text) => {
    expect(timeValueString(ms)).toBe(text);
  });

  it.each([
    [0, '0b'],
    [208, '208b'],
    [1_536, '1.5kb'],
    [1_048_576, '1mb'],
    [147_266_949_543, '137.1gb'],
  ])('ByteSizeValue of %i bytes reads %s', (bytes, text) => {
    expect(byteSizeString(bytes)).toBe(text);
  });

  it.each([
    [50, '50.0%'],
    [100, '100.0%'],
    [200 / 3, '66.7%'],
    [33.35, '33.4%'],
  ])('percentage %d reads %s', (value, text) => {
    expect(percentString(value)).toBe(text);
  });

  it('dates read as strict_date_optional_time_nanos of epoch millis', () => {
    expect(dateString(1769915045000)).toBe('2026-02-01T03:04:05.000Z');
  });
});

describe('which answers get twins', () => {
  it('every API the sandbox emulates either renders its twins or refuses human=true naming why', () => {
    const unclassified: string[] = [];
    for (const route of buildRouter().routes()) {
      if (isNotEmulated(route.handler)) continue;
      const api = apiRouteOf(`${route.method} ${route.pattern}`)?.api.name;
      try {
        humanTwins(api);
      } catch (e) {
        // A refusal must say which readable fields the sandbox cannot render.
        if (!/\(human-readable response fields: .+\)$/.test((e as Error).message))
          unclassified.push(String(api));
      }
    }
    expect(unclassified).toEqual([]);
  });
});
