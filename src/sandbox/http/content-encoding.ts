import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { illegalArgument } from '../errors.js';
import { notEmulated } from './not-emulated.js';

/*
 * Elasticsearch's HTTP layer puts Netty's HttpContentDecompressor before the request aggregator,
 * so a body sent with `Content-Encoding: gzip` or `deflate` (the official clients' `compression`
 * option) reaches the REST handlers decompressed. `deflate` is read as zlib-wrapped, or raw when
 * that fails (Netty's ZLIB_OR_NONE). Other codings are refused by name rather than parsed as JSON.
 */

const MAX_CONTENT_LENGTH = 100 * 1024 * 1024; // http.max_content_length's default, 100mb

/** The body the handlers read: `raw` decoded as its `Content-Encoding` header says. */
export function decodeRequestBody(raw: Buffer, contentEncoding: string | undefined): Buffer {
  if (contentEncoding === undefined || raw.length === 0) return raw;
  const coding = contentEncoding.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return raw;
  const limit = { maxOutputLength: MAX_CONTENT_LENGTH };
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(raw, limit);
    if (coding === 'deflate' || coding === 'x-deflate') {
      try {
        return inflateSync(raw, limit);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw e;
        return inflateRawSync(raw, limit);
      }
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw notEmulated(`request bodies over ${MAX_CONTENT_LENGTH} bytes once decompressed`);
    throw illegalArgument(`the eskeys sandbox could not decompress the request body as [${coding}]`);
  }
  throw notEmulated(`Content-Encoding [${coding}]`);
}
