/**
 * The learn proxy's HTTP/1.1 framing parser: where each message head and body ends, whatever the
 * packet boundaries, so the relay can pair answers with requests while forwarding bytes as they
 * come. Framing rules are RFC 9112 §6 (message body length) and §7.1 (chunked coding).
 */
import { describe, expect, it } from 'vitest';
import {
  type BodyFraming,
  FramingError,
  type MessageHead,
  MessageStreamParser,
  requestBodyFraming,
  responseBodyFraming,
} from '../../../src/adapters/proxy/http1-framing.js';

interface Parsed {
  start: readonly string[];
  headers: [string, string][];
  raw: string;
  data: string;
  ended: boolean;
}

/** Parses a stream split into the given packets; framing decided by `frame` for each head. */
function parse(
  packets: readonly Buffer[],
  frame: (head: MessageHead, index: number) => BodyFraming,
  skipLeadingEmptyLines = false,
): { messages: Parsed[]; parser: MessageStreamParser } {
  const messages: Parsed[] = [];
  const parser = new MessageStreamParser(
    {
      head: (head) => {
        messages.push({
          start: head.start,
          headers: head.headers.map((h) => [h.name, h.value]),
          raw: '',
          data: '',
          ended: false,
        });
        return frame(head, messages.length - 1);
      },
      raw: (b) => {
        messages[messages.length - 1]!.raw += b.toString('latin1');
      },
      data: (b) => {
        messages[messages.length - 1]!.data += b.toString('latin1');
      },
      end: () => {
        messages[messages.length - 1]!.ended = true;
      },
    },
    skipLeadingEmptyLines,
  );
  for (const p of packets) parser.push(p);
  return { messages, parser };
}

/** Every way of cutting `text` in two, plus one packet per byte. */
function splits(text: string): Buffer[][] {
  const bytes = Buffer.from(text, 'latin1');
  const out: Buffer[][] = [[bytes]];
  for (let i = 1; i < bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push([...bytes].map((b) => Buffer.from([b])));
  return out;
}

const requestFraming = (head: MessageHead) => requestBodyFraming(head);

describe('request framing', () => {
  const pipelined =
    'GET /books/_doc/1 HTTP/1.1\r\nHost: a\r\nAuthorization: Basic eA==\r\n\r\n' +
    'POST /_bulk HTTP/1.1\r\nHost: a\r\nContent-Length: 13\r\n\r\n{"index":{}}\n' +
    'PUT /b/_doc/1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '4;ext=1\r\n{"a"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n' +
    'HEAD /books HTTP/1.1\r\nHost: a\r\n\r\n';

  it('finds every pipelined request and its body at every packet boundary', () => {
    for (const packets of splits(pipelined)) {
      const { messages, parser } = parse(packets, requestFraming);
      expect(messages.map((m) => [m.start[0], m.start[1], m.data, m.ended])).toEqual([
        ['GET', '/books/_doc/1', '', true],
        ['POST', '/_bulk', '{"index":{}}\n', true],
        // chunked: the payload without sizes, extensions or trailers
        ['PUT', '/b/_doc/1', '{"a":1}', true],
        ['HEAD', '/books', '', true],
      ]);
      // The raw body bytes are the chunked framing as sent (relayed unchanged).
      expect(messages[2]!.raw).toBe('4;ext=1\r\n{"a"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\n');
      expect(messages[0]!.headers).toEqual([
        ['Host', 'a'],
        ['Authorization', 'Basic eA=='],
      ]);
      expect(parser.idle).toBe(true);
    }
  });

  it('keeps header values byte for byte, trimming only the spaces and tabs around them', () => {
    const { messages } = parse(
      [Buffer.from('GET / HTTP/1.1\r\nX-A:\t  caf\xe9\xa0 \t\r\nX-B:\r\n\r\n', 'latin1')],
      requestFraming,
    );
    expect(messages[0]!.headers).toEqual([
      ['X-A', 'caf\xe9\xa0'],
      ['X-B', ''],
    ]);
  });

  it('skips empty lines before a request line (RFC 9112 §2.2)', () => {
    const { messages } = parse([Buffer.from('\r\n\r\nGET / HTTP/1.1\r\n\r\n')], requestFraming, true);
    expect(messages.map((m) => [m.start, m.ended])).toEqual([[['GET', '/', 'HTTP/1.1'], true]]);
  });

  it('is not idle in the middle of a head or a body', () => {
    expect(parse([Buffer.from('GET / HT')], requestFraming).parser.idle).toBe(false);
    expect(
      parse([Buffer.from('POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab')], requestFraming).parser.idle,
    ).toBe(false);
  });

  it.each([
    ['Transfer-Encoding with Content-Length', 'Transfer-Encoding: chunked\r\nContent-Length: 3'],
    ['Transfer-Encoding not ending in chunked', 'Transfer-Encoding: chunked, gzip'],
    ['conflicting Content-Length values', 'Content-Length: 3\r\nContent-Length: 4'],
    ['a Content-Length that is not a number', 'Content-Length: 3x'],
    ['a negative Content-Length', 'Content-Length: -1'],
  ])('refuses ambiguous framing with 400: %s', (_case, headers) => {
    const run = () => parse([Buffer.from(`POST / HTTP/1.1\r\n${headers}\r\n\r\n`)], requestFraming);
    expect(run).toThrow(FramingError);
    try {
      run();
    } catch (error) {
      expect((error as FramingError).status).toBe(400);
    }
  });

  it('accepts repeated equal Content-Length values as one (RFC 9110 §8.6)', () => {
    const { messages } = parse(
      [Buffer.from('POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nokGET')],
      requestFraming,
    );
    expect(messages.map((m) => [m.data, m.ended])).toEqual([['ok', true]]);
  });

  it.each([
    ['a header line without a colon', 'GET / HTTP/1.1\r\nnocolon\r\n\r\n'],
    ['a folded header line (obs-fold)', 'GET / HTTP/1.1\r\nA: b\r\n  c\r\n\r\n'],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n'],
    ['bare LF line ends', 'GET / HTTP/1.1\nHost: a\n\n'],
    ['a header line starting with its colon', 'GET / HTTP/1.1\r\n: a\r\n\r\n'],
    ['a header name with a character outside tchar', 'GET / HTTP/1.1\r\nX@Y: a\r\n\r\n'],
    ['a header name with a byte above 0x7F', 'GET / HTTP/1.1\r\nX\xe9: a\r\n\r\n'],
    ['a bare CR inside a header value', 'GET / HTTP/1.1\r\nA: b\rc\r\n\r\n'],
    ['a bare LF inside a header value', 'GET / HTTP/1.1\r\nA: b\nc\r\n\r\n'],
    ['a start line without a space', 'GET\r\nHost: a\r\n\r\n'],
    ['a signed Content-Length', 'POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello'],
    ['a hexadecimal Content-Length', 'POST / HTTP/1.1\r\nContent-Length: 0x5\r\n\r\nhello'],
    ['a 16-digit Content-Length', 'POST / HTTP/1.1\r\nContent-Length: 1000000000000000\r\n\r\n'],
    ['conflicting Content-Length values', 'POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\nhello'],
    ['a chunk size that is not hex', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    [
      'chunk data longer than its size',
      'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n',
    ],
  ])('refuses a malformed request with 400: %s', (_case, text) => {
    let status: number | undefined;
    try {
      parse([Buffer.from(text, 'latin1')], requestFraming);
    } catch (error) {
      status = (error as FramingError).status;
    }
    expect(status).toBe(400);
  });

  it('refuses a head over 16 KiB with 431, complete or still arriving', () => {
    const big = `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(17 * 1024)}`;
    for (const packets of [[Buffer.from(`${big}\r\n\r\n`)], [Buffer.from(big)]]) {
      let status: number | undefined;
      try {
        parse(packets, requestFraming);
      } catch (error) {
        status = (error as FramingError).status;
      }
      expect(status).toBe(431);
    }
  });
});

describe('response framing', () => {
  /** Answers to the given request methods, in order, paired as the relay pairs them. */
  const answering = (methods: readonly string[]) => {
    let finals = 0;
    return (head: MessageHead) => {
      const framing = responseBodyFraming(head, methods[finals] ?? 'GET');
      // An interim (1xx) answer does not answer the request: the final one follows.
      if (Number(head.start[1]) >= 200) finals++;
      return framing;
    };
  };

  it('pairs answers by their framing: HEAD with Content-Length, 1xx, 204, 304, chunked, sized, at every packet boundary', () => {
    const stream =
      'HTTP/1.1 200 OK\r\nContent-Length: 120\r\n\r\n' + // answer to HEAD: no body despite the length
      'HTTP/1.1 100 Continue\r\n\r\n' +
      'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}' +
      'HTTP/1.1 204 No Content\r\n\r\n' +
      'HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' +
      'HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\n\r\nnot';
    for (const packets of splits(stream)) {
      const { messages, parser } = parse(packets, answering(['HEAD', 'PUT', 'DELETE', 'GET', 'GET', 'GET']));
      expect(messages.map((m) => [m.start[1], m.data, m.ended])).toEqual([
        ['200', '', true],
        ['100', '', true],
        ['201', '{}', true],
        ['204', '', true],
        ['304', '', true],
        ['200', 'hello', true],
        ['404', 'not', true],
      ]);
      expect(parser.idle).toBe(true);
    }
  });

  it('reads an answer without length or chunking until the connection closes', () => {
    const { messages, parser } = parse(
      [Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nsome'), Buffer.from(' more')],
      answering(['GET']),
    );
    expect(parser.closeDelimited).toBe(true);
    expect(messages[0]!.ended).toBe(false);
    expect(parser.close()).toBe(true);
    expect(messages.map((m) => [m.data, m.ended])).toEqual([['some more', true]]);
  });

  it('a stream cut in the middle of a sized body is not complete', () => {
    const { parser } = parse(
      [Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')],
      answering(['GET']),
    );
    expect(parser.close()).toBe(false);
  });
});
