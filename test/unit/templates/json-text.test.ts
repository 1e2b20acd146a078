import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonText, toPointer } from '../../../src/core/templates/json-text.js';

describe('JSON with locations', () => {
  it('parses values like JSON.parse and records where each pointer starts', () => {
    const text = '{\n  "a": [1, {"b/c": "x"}],\n  "d": null\n}';
    const parsed = parseJsonText(text);
    expect(parsed.value).toEqual(JSON.parse(text));
    expect(parsed.locations.get('')).toEqual({ line: 1, column: 1 });
    expect(parsed.locations.get('/a')).toEqual({ line: 2, column: 8 });
    expect(parsed.locations.get('/a/1/b~1c')).toEqual({ line: 2, column: 20 });
    expect(parsed.locations.get('/d')).toEqual({ line: 3, column: 8 });
  });

  it('reports duplicate keys', () => {
    expect(parseJsonText('{"a": 1, "a": 2}').duplicateKeys).toEqual(['/a']);
  });

  it('keeps "__proto__" as an ordinary key', () => {
    const v = parseJsonText('{"__proto__": {"x": 1}}').value as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reports __proto__, constructor and prototype keys at any depth by pointer, in document order', () => {
    const text = '{"a": {"__proto__": 1}, "b": [{"constructor": {"prototype": 2}}], "proto": 3}';
    expect(parseJsonText(text).forbiddenKeys).toEqual([
      '/a/__proto__',
      '/b/0/constructor',
      '/b/0/constructor/prototype',
    ]);
  });

  it.each([
    ['100 levels is accepted', 100, undefined],
    ['101 levels is refused at the 101st opening bracket', 101, { line: 1, column: 101 }],
    [
      '100,000 levels is refused the same way, without overflowing the stack',
      100_000,
      { line: 1, column: 101 },
    ],
  ])('nesting: %s', (_name, levels, location) => {
    const text = '['.repeat(levels) + ']'.repeat(levels);
    if (location === undefined) {
      expect(() => parseJsonText(text)).not.toThrow();
      return;
    }
    try {
      parseJsonText(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(JsonSyntaxError);
      expect((e as JsonSyntaxError).message).toBe('nested deeper than 100 levels of objects and arrays');
      expect((e as JsonSyntaxError).location).toEqual(location);
    }
  });

  it.each([
    ['{\n  "a": 1,\n}', 3, 1, 'trailing comma before "}"'],
    ['{"a": 1 "b": 2}', 1, 9, `unexpected character """; expected ',' or '}' after a property`],
    ['{"a": [1, 2,]}', 1, 13, 'trailing comma before "]"'],
    ["{'a': 1}", 1, 2, 'unexpected character "\'"; expected a property name in double quotes'],
    ['{"a": tru}', 1, 7, 'unexpected character "t"; expected a value'],
    ['{"a": "x', 1, 7, 'unterminated string'],
    ['', 1, 1, 'the file is empty; expected a JSON object'],
    ['{"a": 1} x', 1, 10, 'unexpected character "x" after the end of the document'],
    ['{\n  // note\n  "a": 1\n}', 2, 3, 'comments are not allowed in JSON'],
  ])('%j → %i:%i %s', (text, line, column, message) => {
    try {
      parseJsonText(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(JsonSyntaxError);
      expect((e as JsonSyntaxError).message).toBe(message);
      expect((e as JsonSyntaxError).location).toEqual({ line, column });
    }
  });

  it('builds pointers with RFC 6901 escapes', () => {
    expect(toPointer(['role_descriptors', 'a/b~c', 'indices', 0])).toBe(
      '/role_descriptors/a~1b~0c/indices/0',
    );
  });
});
