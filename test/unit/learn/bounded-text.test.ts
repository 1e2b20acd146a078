import { describe, expect, it } from 'vitest';
import { BoundedText } from '../../../src/core/learn/bounded-text.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('BoundedText', () => {
  it('whole: keeps a text of exactly the cap, drops one byte more', () => {
    const exact = new BoundedText(6);
    exact.push(bytes('abc'));
    exact.push(bytes('def'));
    expect(exact.take()).toBe('abcdef');
    const over = new BoundedText(6);
    over.push(bytes('abc'));
    over.push(bytes('defg'));
    expect(over.overflowed).toBe(true);
    expect(over.take()).toBeUndefined();
  });

  it('head: keeps the first cap bytes across chunks and ignores the rest', () => {
    const head = new BoundedText(5, 'head');
    for (const c of ['ab', 'cdef', 'gh']) head.push(bytes(c));
    expect(head.overflowed).toBe(false);
    expect(head.take()).toBe('abcde');
  });

  it('keeps a copy: a chunk reused by the stream afterwards does not change the text', () => {
    const text = new BoundedText(10);
    const chunk = bytes('abc');
    text.push(chunk);
    chunk.set(bytes('xyz'));
    expect(text.take()).toBe('abc');
  });

  it('a multi-byte character split across chunks is decoded whole; drop() makes the text unknown', () => {
    const text = new BoundedText(10);
    const e = bytes('é');
    text.push(e.subarray(0, 1));
    text.push(e.subarray(1));
    expect(text.take()).toBe('é');
    const dropped = new BoundedText(10);
    dropped.push(bytes('abc'));
    dropped.drop();
    expect(dropped.take()).toBeUndefined();
  });
});
