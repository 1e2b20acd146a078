import { describe, expect, it } from 'vitest';
import { generalizeNames } from '../../../src/core/learn/generalize-names.js';
import { generateLearnedTemplate } from '../../../src/core/learn/generate-template.js';
import { LearnRecorder } from '../../../src/core/learn/recorder.js';
import { lintTemplate } from '../../../src/core/lint/lint.js';
import { parseTemplate } from '../../../src/core/templates/index.js';

const NOW = Date.UTC(2025, 10, 3);

/** Records requests (method, url, optional body, status, optional answer) as the proxy would. */
function observe(...exchanges: [string, string, string | undefined, number, string?][]) {
  const recorder = new LearnRecorder();
  for (const [method, url, body, status, answer] of exchanges) {
    const u = new URL(url, 'http://x');
    const pending = recorder.begin({ method, path: u.pathname, query: u.searchParams });
    if (body !== undefined && pending.wantsBody) {
      // Feed in small chunks so lines straddle chunk boundaries.
      const bytes = new TextEncoder().encode(body);
      for (let i = 0; i < bytes.length; i += 7) pending.bodyChunk(bytes.subarray(i, i + 7));
      pending.bodyEnd();
    }
    if (answer !== undefined && pending.wantsResponse) {
      const bytes = new TextEncoder().encode(answer);
      for (let i = 0; i < bytes.length; i += 5) pending.responseChunk(bytes.subarray(i, i + 5));
    }
    pending.finish(status, NOW);
  }
  return recorder.snapshot();
}

function learned(obs: ReturnType<typeof observe>, patterns?: string[]) {
  const out = generateLearnedTemplate(obs, { name: 'app', ...(patterns ? { patterns } : {}) });
  const { template } = parseTemplate(JSON.stringify(out.document), 'app.json');
  return { out, template, descriptor: template.role_descriptors.app! };
}

describe('learned privileges', () => {
  it('only creates observed → create_doc, not index or write', () => {
    // ES IndexPrivilege: create_doc grants indices:data/write/index:op_type/create; `create` also
    // overwrites (op_type/index) and `index` also updates.
    const { descriptor } = learned(observe(['PUT', '/books/_create/1', '{}', 201]));
    expect(descriptor.indices).toEqual([{ names: ['books'], privileges: ['create_doc'] }]);
    expect(descriptor.cluster).toBeUndefined();
  });

  it('POST /{index}/_doc without an id is a create (op_type defaults to create)', () => {
    const { descriptor } = learned(observe(['POST', '/books/_doc', '{}', 201]));
    expect(descriptor.indices).toEqual([{ names: ['books'], privileges: ['create_doc'] }]);
  });

  it('PUT /{index}/_doc/{id} → create (the narrowest privilege that indexes with overwrite)', () => {
    // `create` grants indices:data/write/index*; `index` adds indices:data/write/update*.
    const { descriptor } = learned(observe(['PUT', '/books/_doc/1', '{}', 200]));
    expect(descriptor.indices).toEqual([{ names: ['books'], privileges: ['create'] }]);
  });

  it('mapping read → view_index_metadata, not manage; search → read', () => {
    const { descriptor } = learned(
      observe(['GET', '/books/_mapping', undefined, 200], ['POST', '/books/_search', '{}', 200]),
    );
    expect(descriptor.indices).toEqual([{ names: ['books'], privileges: ['read', 'view_index_metadata'] }]);
  });

  it('an update with creates → index alone (it contains create_doc)', () => {
    const { descriptor } = learned(
      observe(['PUT', '/books/_create/1', '{}', 201], ['POST', '/books/_update/1', '{"doc":{}}', 200]),
    );
    expect(descriptor.indices).toEqual([{ names: ['books'], privileges: ['index'] }]);
  });

  it('bulk items are read from the body: creates into monthly indices → create_doc on gmail_emails-*', () => {
    const body =
      '{"create":{"_index":"gmail_emails-2025-10"}}\n{"subject":"a\\nb"}\n' +
      '{"create":{"_index":"gmail_emails-2025-11","_id":"x"}}\n{"subject":"c"}\n';
    const obs = observe(['POST', '/_bulk', body, 200]);
    expect(obs.operations).toEqual([
      {
        action: 'indices:data/write/index:op_type/create',
        scope: 'index',
        names: ['gmail_emails-2025-10'],
        outcome: 'allowed',
        apis: ['bulk'],
        count: 1,
      },
      {
        action: 'indices:data/write/index:op_type/create',
        scope: 'index',
        names: ['gmail_emails-2025-11'],
        outcome: 'allowed',
        apis: ['bulk'],
        count: 1,
      },
    ]);
    const { descriptor, template } = learned(obs);
    expect(descriptor.indices).toEqual([{ names: ['gmail_emails-*'], privileges: ['create_doc'] }]);
    expect(template.probes.allow).toEqual(['doc.create']);
    expect(template.probes.deny).toEqual([
      'doc.delete',
      'delete_by_query',
      'index.delete',
      'index.put_settings',
      'aliases.update',
      'cluster.put_settings',
      'security.create_api_key',
      'security.invalidate_api_key',
    ]);
  });

  it('a bulk delete item is observed → delete granted and no doc.delete deny probe', () => {
    const { descriptor, template } = learned(
      observe(['POST', '/books/_bulk', '{"delete":{"_id":"1"}}\n{"index":{"_id":"2"}}\n{}\n', 200]),
    );
    expect(descriptor.indices).toEqual([{ names: ['books'], privileges: ['create', 'delete'] }]);
    expect(template.probes.deny).not.toContain('doc.delete');
    // `delete` grants indices:data/write/delete* which includes delete/byquery.
    expect(template.probes.deny).not.toContain('delete_by_query');
  });

  it('cluster privileges only for observed cluster actions: health → monitor', () => {
    const { descriptor, template } = learned(observe(['GET', '/_cluster/health', undefined, 200]));
    expect(descriptor.cluster).toEqual(['monitor']);
    expect(descriptor.indices).toBeUndefined();
    expect(template.probes.allow).toEqual(['cluster.health']);
  });

  it('a _cat API that sends several requests needs each of them: _cat/indices → index and cluster monitor', () => {
    // cat.RestIndicesAction: get-settings and stats on the names (indices:monitor/*), cluster
    // state and health (cluster:monitor/*), docs/es-facts.md
    const { descriptor } = learned(observe(['GET', '/_cat/indices/books', undefined, 200]));
    expect(descriptor.cluster).toEqual(['monitor']);
    expect(descriptor.indices).toEqual([{ names: ['books'], privileges: ['monitor'] }]);
  });

  it('denied requests are reported, not granted', () => {
    const { out, descriptor } = learned(
      observe(['POST', '/books/_search', '{}', 200], ['DELETE', '/books/_doc/1', undefined, 403]),
    );
    expect(descriptor.indices).toEqual([{ names: ['books'], privileges: ['read'] }]);
    expect(out.denied.map((d) => [d.action, d.names, d.count])).toEqual([
      ['indices:data/write/delete', ['books'], 1],
    ]);
  });

  it('a bulk answered 200 with a refused item: that item is denied, the others allowed', () => {
    const body =
      '{"create":{"_index":"a"}}\n{}\n{"create":{"_index":"b"}}\n{}\n{"create":{"_index":"a"}}\n{}\n';
    // Elasticsearch's bulk answer: per-item status; `errors: true` when any item failed.
    const answer =
      '{"took":1,"errors":true,"items":[{"create":{"_index":"a","status":201}},' +
      '{"create":{"_index":"b","status":403,"error":{"type":"security_exception","reason":"x \\"status\\": 1"}}},' +
      '{"create":{"_index":"a","status":201}}]}';
    const obs = observe(['POST', '/_bulk', body, 200, answer]);
    expect(obs.operations.map((o) => [o.names, o.outcome, o.count])).toEqual([
      [['a'], 'allowed', 2],
      [['b'], 'denied', 1],
    ]);
    const { descriptor, out } = learned(obs);
    expect(descriptor.indices).toEqual([{ names: ['a'], privileges: ['create_doc'] }]);
    expect(out.denied.map((d) => d.names)).toEqual([['b']]);
  });

  it('a bulk answer with errors that cannot be matched to the items counts as no evidence', () => {
    const body = '{"create":{"_index":"a"}}\n{}\n{"create":{"_index":"a"}}\n{}\n';
    const obs = observe(['POST', '/_bulk', body, 200, '{"errors":true,"items":[{"create":{"status":201}}]}']);
    expect(obs.operations.map((o) => [o.names, o.outcome, o.count])).toEqual([[['a'], 'failed', 2]]);
    expect(obs.unmapped.map((u) => u.reason)).toEqual([
      'answer reports item errors that could not be matched to items: counted as no evidence',
    ]);
  });

  it('unmapped requests are listed with a reason, never dropped', () => {
    const obs = observe(
      ['GET', '/_no_such_api/x', undefined, 400],
      ['GET', '/_search/scroll', undefined, 200],
    );
    expect(obs.unmapped.map((u) => [u.method, u.api ?? u.path, u.count])).toEqual([
      ['GET', '/_no_such_api/x', 1],
      ['GET', 'scroll', 1],
    ]);
  });

  it('the learned template lints clean', () => {
    const { template } = learned(
      observe(
        ['GET', '/_cluster/health', undefined, 200],
        ['PUT', '/gmail_emails-2025-10/_create/1', '{}', 201],
        ['POST', '/gmail_emails-2025-11/_search', '{}', 200],
        ['GET', '/gmail_emails-2025-11/_mapping', undefined, 200],
      ),
    );
    const result = lintTemplate(template, 'app.json');
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe('name generalization', () => {
  it.each([
    ['monthly', ['gmail_emails-2025-10', 'gmail_emails-2025-11'], [], ['gmail_emails-*', 'gmail_emails-*']],
    ['daily dotted', ['logs.2025.11.03'], [], ['logs.*']],
    ['plain names stay', ['books'], [], ['books']],
    ['one numeric suffix stays', ['books-3'], [], ['books-3']],
    ['two numeric suffixes generalize', ['books-3', 'books-4'], [], ['books-*', 'books-*']],
    ['--pattern wins', ['gmail_emails-2025-10'], ['gmail_*'], ['gmail_*']],
  ])('%s', (_case, names, patterns, expected) => {
    const map = generalizeNames(names, patterns);
    expect(names.map((n) => map.get(n))).toEqual(expected);
  });
});

describe('learned privileges per target major', () => {
  // An allowed ES|QL query listing (GET /_query/queries → cluster:monitor/xpack/esql/list_queries).
  const obs = {
    requests: 1,
    operations: [
      {
        action: 'cluster:monitor/xpack/esql/list_queries',
        scope: 'cluster' as const,
        names: [],
        outcome: 'allowed' as const,
        apis: ['esql.list_queries'],
        count: 1,
      },
    ],
    unmapped: [],
    incompleteBodies: 0,
  };

  it.each([
    // monitor_esql exists in 9.1 only; 8.19 would refuse a key naming it (400 unknown cluster privilege).
    [9, ['monitor_esql']],
    [8, ['monitor']],
  ])('on %i the template names %j', (major, cluster) => {
    const out = generateLearnedTemplate(obs, { name: 'app', major });
    const { template } = parseTemplate(JSON.stringify(out.document), 'app.json');
    expect(template.role_descriptors.app!.cluster).toEqual(cluster);
  });
});
