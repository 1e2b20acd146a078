import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ACTIONS, apiForPattern } from '../../../src/core/resolver/index.js';
import { isNotEmulated } from '../../../src/sandbox/http/not-emulated.js';
import { buildRouter } from '../../../src/sandbox/index.js';

describe('every sandbox route is registered with its resolver entry', () => {
  const routes = buildRouter().routes();
  const emulated = routes.filter((r) => !isNotEmulated(r.handler));

  it('emulates some routes and registers the rest of the specification as not emulated', () => {
    expect(emulated.length).toBeGreaterThan(100);
    expect(routes.length - emulated.length).toBeGreaterThan(500);
  });

  it.each(emulated.map((r) => [`${r.method} ${r.pattern}`, r.method, r.pattern] as const))(
    '%s resolves to an API with a verified action',
    (_name, method, pattern) => {
      const route = apiForPattern(method, pattern);
      expect(route, 'an API of the specification serves this route').toBeDefined();
      expect(API_ACTIONS.get(route!.api.name)?.action, `verified action of ${route!.api.name}`).toMatch(
        /^(cluster|indices):/,
      );
    },
  );
});

describe('data handlers never authorize', () => {
  const dir = join(import.meta.dirname, '..', '..', '..', 'src', 'sandbox', 'data');
  // The one exception: delete-by-query runs its child search as the caller, a separate action
  // Elasticsearch authorizes when the child request is sent.
  const allowed = new Map([['search.ts', ["requireIndices(ctx.auth, 'indices:data/read/search', names)"]]]);
  it.each(readdirSync(dir).filter((f) => f.endsWith('.ts')))('%s calls no authorization check', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const calls = [...text.matchAll(/\b(require[A-Z]\w*|authorizeIndexExpression)\([^;]*\)/g)].map(
      (m) => m[0],
    );
    expect(calls).toEqual(allowed.get(file) ?? []);
  });
});
