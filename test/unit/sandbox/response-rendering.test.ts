/**
 * The response-rewriting pieces behind filter_path, pretty and YAML, on answers written literally.
 * Elasticsearch's rules are in docs/es-facts.md, "Response parameters on every endpoint".
 */
import { describe, expect, it } from 'vitest';
import { applyFilterPath, filterReaches, parseFilterPath } from '../../../src/sandbox/http/filter-path.js';
import { parseTree, toJson, toPrettyJson } from '../../../src/sandbox/http/response-tree.js';
import { toYaml } from '../../../src/sandbox/http/yaml.js';

const filtered = (json: string, filterPath: string) =>
  toJson(applyFilterPath(parseTree(json), parseFilterPath(filterPath)));

describe('filter_path', () => {
  it('`\\.` matches a dot inside a field name', () => {
    expect(filtered('{"a.b":1,"a":{"b":2}}', 'a\\.b')).toBe('{"a.b":1}');
    expect(filtered('{"a.b":1,"a":{"b":2}}', 'a.b')).toBe('{"a":{"b":2}}');
  });

  it('inclusions drop scalars of arrays on a partly matched path; exclusions keep them', () => {
    expect(filtered('{"a":[1,{"b":2,"c":3}]}', 'a.b')).toBe('{"a":[{"b":2}]}');
    expect(filtered('{"a":[1,{"b":2,"c":3}]}', '-a.b')).toBe('{"a":[1,{"c":3}]}');
  });

  it('objects emptied by an exclusion disappear; untouched empty ones stay', () => {
    expect(filtered('{"a":{"b":1},"e":{}}', '-a.b')).toBe('{"e":{}}');
  });

  it('`**` as the last name keeps everything below its parent', () => {
    expect(filtered('{"a":{"x":{"y":1}},"b":2}', 'a.**')).toBe('{"a":{"x":{"y":1}}}');
  });

  it('keeps Long values and integer-like keys exactly', () => {
    expect(filtered('{"9":{"v":9223372036854775807},"1":0}', '9.v')).toBe('{"9":{"v":9223372036854775807}}');
  });
});

describe('filterReaches (whether filter_path would write any of a field)', () => {
  // What Elasticsearch's filtering keeps of `indices.store` in an answer
  // `{"indices":{"count":1,"store":{"size_in_bytes":0,"reserved_in_bytes":0}}}`.
  it.each([
    ['indices', true],
    ['indices.store', true],
    ['indices.store.size_in_bytes', true],
    ['indices.st*', true],
    ['*.store', true],
    ['**.size_in_bytes', true],
    ['indices.count', false],
    ['nodes', false],
    ['indices,-indices.store', false],
    ['-indices', false],
    ['-indices.count', true],
    ['indices,-indices.store.size_in_bytes', true],
  ])('%s → %s', (filterPath, reaches) => {
    expect(filterReaches(parseFilterPath(filterPath), ['indices', 'store'])).toBe(reaches);
    // applyFilterPath agrees on the same answer.
    const kept = filtered(
      '{"indices":{"count":1,"store":{"size_in_bytes":0,"reserved_in_bytes":0}}}',
      filterPath,
    );
    expect(kept.includes('"store"')).toBe(reaches);
  });
});

describe('pretty JSON and YAML', () => {
  it('pretty: nested arrays and empty containers', () => {
    expect(toPrettyJson(parseTree('{"a":[[1],{}],"b":[]}'))).toBe(
      '{\n  "a" : [\n    [\n      1\n    ],\n    { }\n  ],\n  "b" : [ ]\n}\n',
    );
  });

  it('YAML: nested sequences, quoting of names and strings', () => {
    const t = parseTree('{"@timestamp":"2024","true":"x\\"y","n":null,"l":[[1,2],{"k":"v"}],"e":{}}');
    expect(toYaml(t)).toBe(
      [
        '---',
        '\'@timestamp\': "2024"',
        '\'true\': "x\\"y"',
        'n: null',
        'l:',
        '- - 1',
        '  - 2',
        '- k: "v"',
        'e: {}',
        '',
      ].join('\n'),
    );
  });

  it('YAML: refuses a long string SnakeYAML would fold', () => {
    const long = `"${'word '.repeat(20)}"`;
    expect(() => toYaml(parseTree(`{"reason":${long}}`))).toThrow(
      'the eskeys sandbox does not emulate [format=yaml] for string values longer than one 80-column YAML line',
    );
  });
});
