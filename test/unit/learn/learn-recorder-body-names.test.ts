/**
 * `eskeys learn` reads the small JSON body of the APIs whose names live there. Batch 4 of issue 12
 * added the data stream migration: RestMigrationReindexAction parses the body into a
 * ReindexDataStreamRequest whose indices() is `source.index`, and ReindexDataStreamAction.NAME is
 * indices:admin/data_stream/reindex (elastic/elasticsearch x-pack/plugin/migrate).
 */
import { describe, expect, it } from 'vitest';
import { LearnRecorder } from '../../../src/core/learn/recorder.js';

const NOW = Date.UTC(2026, 5, 1);

describe('the learn recorder names body-named requests', () => {
  it('POST /_migration/reindex is recorded on the body source.index', () => {
    const recorder = new LearnRecorder();
    const pending = recorder.begin({
      method: 'POST',
      path: '/_migration/reindex',
      query: new URLSearchParams(),
    });
    expect(pending.wantsBody).toBe(true);
    pending.bodyChunk(new TextEncoder().encode('{"mode":"upgrade","source":{"index":"logs-app"}}'));
    pending.bodyEnd();
    pending.finish(200, NOW);
    expect(recorder.snapshot().operations.map((o) => [o.action, o.scope, o.names])).toEqual([
      ['indices:admin/data_stream/reindex', 'index', ['logs-app']],
    ]);
  });
});
