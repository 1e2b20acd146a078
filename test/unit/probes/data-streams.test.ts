import { describe, expect, it } from 'vitest';
import { probeOperation } from '../../../src/core/probes/catalogue.js';
import { retargetForStreams, writeIndexOf } from '../../../src/core/probes/data-streams.js';
import { explain } from '../../../src/core/probes/explain.js';
import { classify, verdictOf } from '../../../src/core/probes/interpret.js';
import { planProbes } from '../../../src/core/probes/plan.js';
import { probeRequest } from '../../../src/core/probes/requests.js';
import { RoleTemplateSchema } from '../../../src/core/templates/schema.js';

const ingest = (privileges: string[]) =>
  RoleTemplateSchema.parse({
    name: 'logs-app',
    role_descriptors: { r: { indices: [{ names: ['logs-app-*'], privileges }] } },
    probes: {
      allow: ['doc.create', 'doc.get', 'doc.delete', 'count'],
      deny: ['doc.index', 'doc.update', 'doc.delete', 'bulk.delete', 'aliases.update', 'index.delete'],
    },
  });
const opts = { tag: '7f3a9b2c', adminAvailable: true, at: '2026-01-01T00:00:00.000Z' };
const stream = 'logs-app-eskeys-probe';
// ".ds-" + stream + "-" + uuuu.MM.dd + "-" + generation on six digits (DataStream.getDefaultBackingIndexName).
const writeIndex = '.ds-logs-app-eskeys-probe-2026.01.01-000001';

describe('retargetForStreams', () => {
  const plan = planProbes(ingest(['create_doc', 'auto_configure']), opts);
  const adjusted = retargetForStreams(plan, new Map([[stream, { name: stream, writeIndex }]]));
  const by = Object.fromEntries(adjusted.probes.map((p) => [p.key, p]));

  it('writes documents into the stream with @timestamp, through its name', () => {
    expect(by['allow doc.create']).toMatchObject({
      index: stream,
      target: { index: stream, dataStream: true },
    });
    expect(by['allow count']).toMatchObject({ index: stream, target: { dataStream: true } });
  });

  it('reads and deletes single documents through the write (backing) index', () => {
    for (const key of ['allow doc.get', 'allow doc.delete', 'deny doc.delete', 'deny bulk.delete']) {
      expect(by[key]!.index, key).toBe(writeIndex);
      expect(by[key]!.target.index, key).toBe(writeIndex);
      expect(by[key]!.staticReason, key).toBeUndefined();
    }
    // The fresh id nothing has: 403 when lacking the privilege, 404 when holding it.
    expect(by['deny doc.delete']!.target.docId).toBe('eskeys-probe-7f3a9b2c');
  });

  it('answers index and update by id statically: a stream refuses them for every key', () => {
    for (const key of ['deny doc.index', 'deny doc.update']) {
      expect(by[key]!.staticReason, key).toMatch(
        /^logs-app-eskeys-probe is a data stream, which refuses an? (index|update) by id with 400 for every key \(append-only\)$/,
      );
      expect(by[key]!.staticNames).toEqual([stream]);
      expect(by[key]!.needs).toBeUndefined();
    }
  });

  it('leaves probes on fresh canary names and plans without streams alone', () => {
    const before = Object.fromEntries(plan.probes.map((p) => [p.key, p]));
    expect(by['deny index.delete']).toEqual(before['deny index.delete']);
    expect(by['deny aliases.update']).toEqual(before['deny aliases.update']);
    expect(retargetForStreams(plan, new Map())).toBe(plan);
  });
});

describe('probe document for a data stream', () => {
  it('a deny create writes @timestamp alone: its only possible 403 is for the write itself', () => {
    const plan = planProbes(
      RoleTemplateSchema.parse({
        name: 'logs-app',
        role_descriptors: { r: { indices: [{ names: ['logs-app-*'], privileges: ['read'] }] } },
        probes: { allow: [], deny: ['doc.create'] },
      }),
      opts,
    );
    const p = retargetForStreams(plan, new Map([[stream, { name: stream, writeIndex }]])).probes[0]!;
    expect(p.target).toMatchObject({ index: stream, dataStream: true, mappedFieldsOnly: true });
    expect(probeRequest('doc.create', p.target)).toEqual({
      method: 'PUT',
      path: '/logs-app-eskeys-probe/_create/eskeys-probe-deny',
      body: { '@timestamp': '2026-01-01T00:00:00.000Z' },
    });
  });

  it('carries @timestamp and the eskeys_probe marker', () => {
    const req = probeRequest('doc.create', {
      index: stream,
      docId: 'eskeys-probe-create',
      at: '2026-01-01T00:00:00.000Z',
      dataStream: true,
    });
    expect(req).toEqual({
      method: 'PUT',
      path: '/logs-app-eskeys-probe/_create/eskeys-probe-create',
      body: { '@timestamp': '2026-01-01T00:00:00.000Z', eskeys_probe: true },
    });
  });
});

describe('writeIndexOf', () => {
  // The shape of GET /_data_stream/{name} (Elasticsearch's get data stream API): backing indices oldest first.
  const body = {
    data_streams: [
      {
        name: stream,
        timestamp_field: { name: '@timestamp' },
        indices: [
          { index_name: '.ds-logs-app-eskeys-probe-2026.01.01-000001', index_uuid: 'a' },
          { index_name: '.ds-logs-app-eskeys-probe-2026.01.02-000002', index_uuid: 'b' },
        ],
        generation: 2,
      },
    ],
  };
  it.each([
    ['the newest backing index', body, '.ds-logs-app-eskeys-probe-2026.01.02-000002'],
    ['nothing for another stream', { data_streams: [{ ...body.data_streams[0], name: 'other' }] }, undefined],
    ['nothing for an empty answer', { data_streams: [] }, undefined],
    ['nothing for a body that is not a data stream answer', { error: 'x' }, undefined],
  ])('%s', (_name, answer, expected) => {
    expect(writeIndexOf(answer, stream)).toBe(expected);
  });
});

describe('explain: a document write denied on a data stream', () => {
  const op = probeOperation('doc.create')!;
  const denied = {
    kind: 'denied' as const,
    got: '403 security_exception',
    detail: 'action [indices:admin/mapping/auto_put] is unauthorized',
  };

  it('names the mapping update and auto_configure when the template grants the write but not the mapping update', () => {
    const text = explain({
      template: ingest(['create_doc']),
      op,
      expected: 'allow',
      verdict: 'fail',
      index: stream,
      outcome: denied,
      dataStream: true,
    });
    expect(text).toBe(
      "doc.create on logs-app-eskeys-probe was denied on the mapping update (indices:admin/mapping/auto_put) a document with a new field needs: on a data stream `create_doc`, `create` and `index` do not update mappings (they do on plain indices); add `auto_configure` (or one of [auto_configure,manage,write,all]) for the stream's pattern, or map every field the application writes in the index template",
    );
  });

  it('falls back to the owner explanation when the template grants the mapping update too', () => {
    const text = explain({
      template: ingest(['create_doc', 'auto_configure']),
      op,
      expected: 'allow',
      verdict: 'fail',
      index: stream,
      outcome: denied,
      dataStream: true,
    });
    expect(text).toMatch(/^doc\.create on logs-app-eskeys-probe was denied although the template grants it/);
  });
});

describe('deny probes for data streams: stream delete and rollover', () => {
  it.each([
    ['data_stream.delete', { method: 'DELETE', path: '/_data_stream/logs-app-eskeys-probe-7f3a9b2c' }],
    ['rollover', { method: 'POST', path: '/logs-app-eskeys-probe-7f3a9b2c/_rollover' }],
  ])('%s aims at the fresh canary name', (op, expected) => {
    const plan = planProbes(
      RoleTemplateSchema.parse({
        name: 'logs-app',
        role_descriptors: { r: { indices: [{ names: ['logs-app-*'], privileges: ['create_doc'] }] } },
        probes: { allow: [], deny: [op] },
      }),
      opts,
    );
    const p = plan.probes[0]!;
    expect(p.index).toBe('logs-app-eskeys-probe-7f3a9b2c');
    expect(probeRequest(op, p.target)).toEqual(expected);
  });

  it('a rollover of a missing target answered 404 resource_not_found_exception was authorized first', () => {
    // MetadataRolloverService.validate: "rollover target [<n>] does not exist" (ResourceNotFoundException).
    const o = classify('rollover', {
      status: 404,
      body: {
        error: { type: 'resource_not_found_exception', reason: 'rollover target [x] does not exist' },
        status: 404,
      },
    });
    expect(o).toMatchObject({
      kind: 'authorized',
      reason: 'index_absent',
      got: '404 resource_not_found_exception',
    });
    expect(verdictOf('rollover', 'deny', o)).toBe('fail');
  });
});
