import { describe, expect, it } from 'vitest';
import { generalizeNames } from '../../../src/core/learn/generalize-names.js';
import { generateLearnedTemplate } from '../../../src/core/learn/generate-template.js';
import { LearnRecorder } from '../../../src/core/learn/recorder.js';
import { buildLearnReport, renderLearnReportMarkdown } from '../../../src/core/learn/report.js';
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

// Data stream answers: a write through a stream's name is answered with the backing index it
// landed in, `.ds-<stream>-<yyyy.MM.dd>-<generation>` (DataStream.getDefaultBackingIndexName;
// Elastic's "Use a data stream" docs show `"_index": ".ds-my-data-stream-2099.03.08-000001"`).
const BACKING = '.ds-logs-app-default-2026.12.06-000001';

describe('learned privileges for writes into data streams', () => {
  it('creates that landed in a data stream → create_doc + auto_configure, and the report says why', () => {
    const body =
      '{"create":{"_index":"logs-app-default"}}\n{"@timestamp":"2026-12-06","a":1}\n' +
      '{"create":{"_index":"logs-app-default"}}\n{"@timestamp":"2026-12-06","b":2}\n';
    const answer = `{"errors":false,"took":2,"items":[{"create":{"_index":"${BACKING}","_id":"1","status":201}},{"create":{"_index":"${BACKING}","_id":"2","status":201}}]}`;
    const obs = observe(['POST', '/_bulk', body, 200, answer]);
    expect(obs.operations).toEqual([
      {
        action: 'indices:data/write/index:op_type/create',
        scope: 'index',
        names: ['logs-app-default'],
        outcome: 'allowed',
        apis: ['bulk'],
        count: 2,
        backingIndex: BACKING,
      },
    ]);
    const { descriptor, template, out } = learned(obs, ['logs-app-*']);
    // IndexPrivilege: auto_configure = indices:admin/mapping/auto_put + indices:admin/auto_create;
    // IndicesPermission's BWC mapping-update rule for create_doc/create/index excludes data streams.
    expect(descriptor.indices).toEqual([
      { names: ['logs-app-*'], privileges: ['auto_configure', 'create_doc'] },
    ]);
    expect(template.probes.allow).toEqual(['doc.create']);
    expect(lintTemplate(template, 'app.json').findings.filter((f) => f.severity !== 'info')).toEqual([]);
    const report = buildLearnReport(obs, out);
    expect(report.observed.map((o) => [o.action, o.privilege])).toEqual([
      ['indices:data/write/index:op_type/create', 'create_doc'],
      ['indices:admin/mapping/auto_put', 'auto_configure'],
    ]);
    expect(report.observed[1]!.why).toContain(
      `writes landed in data stream logs-app-default (backing index ${BACKING}): Elasticsearch updates its mappings with indices:admin/mapping/auto_put, which create_doc does not grant on data streams`,
    );
    expect(renderLearnReportMarkdown(report)).toContain(
      `| \`indices:admin/mapping/auto_put\` | \`logs-app-default\` | 2 | \`auto_configure\` | writes landed in data stream logs-app-default (backing index ${BACKING})`,
    );
  });

  it.each([
    ['PUT /{stream}/_create/{id}', 'PUT', '/logs-app-default/_create/1'],
    ['POST /{stream}/_doc', 'POST', '/logs-app-default/_doc'],
  ])(
    'a single-document create answered with a backing index (%s) → create_doc + auto_configure',
    (_n, method, path) => {
      const answer = `{"_index":"${BACKING}","_id":"1","_version":1,"result":"created","_seq_no":0,"_primary_term":1}`;
      const obs = observe([method, path, '{"@timestamp":"2026-12-06"}', 201, answer]);
      expect(obs.operations.map((o) => [o.action, o.names, o.backingIndex])).toEqual([
        ['indices:data/write/index:op_type/create', ['logs-app-default'], BACKING],
      ]);
      expect(learned(obs).descriptor.indices).toEqual([
        { names: ['logs-app-default'], privileges: ['auto_configure', 'create_doc'] },
      ]);
    },
  );

  it('creates into a plain index stay create_doc alone (the BWC rule covers their mapping updates)', () => {
    const body = '{"create":{"_index":"books"}}\n{"a":1}\n';
    const answer = '{"errors":false,"items":[{"create":{"_index":"books","_id":"1","status":201}}]}';
    const obs = observe(
      ['POST', '/_bulk', body, 200, answer],
      ['PUT', '/books/_create/2', '{}', 201, '{"_index":"books","_id":"2","result":"created"}'],
    );
    expect(obs.operations.map((o) => o.backingIndex)).toEqual([undefined]);
    expect(learned(obs).descriptor.indices).toEqual([{ names: ['books'], privileges: ['create_doc'] }]);
  });

  it('a bulk mixing a stream and a plain index marks only the stream', () => {
    const body =
      '{"create":{"_index":"books"}}\n{}\n{"create":{"_index":"logs-app-default"}}\n{}\n{"create":{"_index":"books"}}\n{}\n';
    const answer = `{"errors":false,"items":[{"create":{"_index":"books","status":201}},{"create":{"_index":"${BACKING}","status":201}},{"create":{"_index":"books","status":201}}]}`;
    const { descriptor } = learned(observe(['POST', '/_bulk', body, 200, answer]));
    expect(descriptor.indices).toEqual([
      { names: ['books'], privileges: ['create_doc'] },
      { names: ['logs-app-default'], privileges: ['auto_configure', 'create_doc'] },
    ]);
  });

  it('a create into a stream refused while learning grants nothing (reported denied)', () => {
    const body = '{"create":{"_index":"logs-app-default"}}\n{}\n';
    const answer =
      '{"errors":true,"items":[{"create":{"_index":"logs-app-default","_id":null,"status":403,"error":{"type":"security_exception"}}}]}';
    const { out } = learned(observe(['POST', '/_bulk', body, 200, answer]));
    expect(out.document.role_descriptors).toEqual({ app: {} });
    expect(out.denied.map((d) => d.names)).toEqual([['logs-app-default']]);
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
