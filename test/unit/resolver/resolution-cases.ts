import { expect, it } from 'vitest';
import { resolveRequest } from '../../../src/core/resolver/index.js';

/** method + path → the API, transport action and scope Elasticsearch's source gives, written literally. */
export interface ResolutionCase {
  readonly method: string;
  readonly path: string;
  readonly api: string;
  readonly action: string;
  readonly scope: 'cluster' | 'index' | 'special';
  readonly indices?: readonly string[];
}

/** One test per case: the resolver names the case's API, action, scope (and index names). */
export function itResolvesEach(cases: readonly ResolutionCase[]): void {
  it.each(cases)('$method $path → $api: $action ($scope)', (c) => {
    const r = resolveRequest({ method: c.method, path: c.path });
    expect(r?.api).toBe(c.api);
    expect(r?.action).toBe(c.action);
    expect(r?.scope).toBe(c.scope);
    if (c.indices) expect(r?.indices).toEqual(c.indices);
  });
}

/** One test per [method, path, api]: the resolver finds the API and records no action for it. */
export function itLeavesUnverified(rows: readonly (readonly [string, string, string])[]): void {
  it.each(rows)('%s %s (%s)', (method, path, api) => {
    const r = resolveRequest({ method, path });
    expect(r?.api).toBe(api);
    expect(r?.action).toBeUndefined();
  });
}
