import { EsError, SimpleError } from '../errors.js';

/** A header parsed as Elasticsearch's ParsedMediaType does: type/subtype and lower-cased parameters. */
interface ParsedMediaType {
  /** The header as received: Elasticsearch prints it so in its messages. */
  readonly original: string;
  readonly parameters: ReadonlyMap<string, string>;
}

// RFC 7230 tchar, the characters Elasticsearch allows in a type and a subtype.
const TCHAR = /^[a-zA-Z0-9!#$%&'*+\-.^_`|~]+$/;

function headerError(header: 'Accept' | 'Content-Type', reason: string): EsError {
  return new EsError(400, 'media_type_header_exception', `Invalid media-type value on headers [${header}]`, {
    causedBy: { type: 'illegal_argument_exception', reason },
  });
}

/**
 * Headers already parsed, by value: a client sends the same one or two values on every request
 * (the official client's `application/vnd.elasticsearch+json; compatible-with=8`), and parsing
 * one costs microseconds. Only valid values are kept (an invalid one throws before it is stored);
 * the parse depends on the value alone, so an entry never goes stale. Bounded: cleared when full.
 */
const parsedByValue = new Map<string, ParsedMediaType>();
const PARSED_VALUES_KEPT = 256;

/**
 * Elasticsearch's parsing of one media-type header. A value with a comma is a media range, which
 * Elasticsearch ignores (treats as absent), as it does `*` `/` `*`: this is why the 9.x client's
 * bodiless requests (`...compatible-with=9,text/plain`) reach an 8.x cluster as unversioned.
 */
function parseMediaType(
  header: 'Accept' | 'Content-Type',
  value: string | undefined,
): ParsedMediaType | null {
  if (value === undefined || value.includes(',') || value === '*/*') return null;
  const known = parsedByValue.get(value);
  if (known !== undefined) return known;
  const elements = value.toLowerCase().split(';');
  const typeAndSub = elements[0]!.split('/');
  if (typeAndSub.length !== 2 || !TCHAR.test(typeAndSub[0]!.trim()) || !TCHAR.test(typeAndSub[1]!.trim())) {
    throw headerError(header, `invalid media-type [${value}]`);
  }
  const parameters = new Map<string, string>();
  for (const element of elements.slice(1)) {
    const param = element.trim();
    if (param === '') continue;
    const kv = param.split('=');
    // Spaces may separate parameters but not surround '='.
    if (kv.length !== 2 || /(^|\s)$/.test(kv[0]!) || /^(\s|$)/.test(kv[1]!)) {
      throw headerError(header, `invalid parameters for header [${value}]`);
    }
    parameters.set(kv[0]!.trim(), kv[1]!.trim());
  }
  const parsed = { original: value, parameters };
  if (parsedByValue.size >= PARSED_VALUES_KEPT) parsedByValue.clear();
  parsedByValue.set(value, parsed);
  return parsed;
}

function versionOf(header: 'Accept' | 'Content-Type', parsed: ParsedMediaType | null): number | undefined {
  const v = parsed?.parameters.get('compatible-with');
  if (v === undefined) return undefined;
  // Elasticsearch parses the value as a Java byte; a value that is not one escapes its checks
  // (a NumberFormatException), which the sandbox refuses as a bad header instead.
  if (!/^[+-]?\d{1,3}$/.test(v) || Math.abs(Number(v)) > 127) {
    throw headerError(header, `invalid compatible-with version [${v}] in [${parsed!.original}]`);
  }
  return Number(v);
}

function versionError(reason: string): EsError {
  return new EsError(
    400,
    'media_type_header_exception',
    'Invalid media-type value on headers [Accept, Content-Type]',
    {
      causedBy: { type: 'status_exception', reason },
    },
  );
}

const BODY_TYPES =
  /^application\/(json|x-ndjson|vnd\.elasticsearch\+json|vnd\.elasticsearch\+x-ndjson|yaml|cbor|smile)\b/i;

/** What the headers decide for one request. */
export interface Compatibility {
  /** The REST API version the request is served with (7 on an 8.x profile adds `_type: _doc`). */
  readonly restApiMajor: number;
  /** The compatible-with version the response's content type names, when Accept named one. */
  readonly responseVersion: number | undefined;
}

/**
 * RestCompatibleVersionHelper.getCompatibleVersion, in its order: the Accept version must be the
 * current major or the one before; with content, the Content-Type version likewise, then both
 * versions (an absent one counts as current) must match, then both headers must be versioned or
 * neither. A missing or ignored header prints as `null`.
 */
export function requestCompatibility(
  major: number,
  accept: string | undefined,
  contentType: string | undefined,
  hasContent: boolean,
): Compatibility {
  const parsedAccept = parseMediaType('Accept', accept);
  const parsedContentType = parseMediaType('Content-Type', contentType);
  const aVersion = versionOf('Accept', parsedAccept);
  const cVersion = versionOf('Content-Type', parsedContentType);
  const acceptVersion = aVersion ?? major;
  const contentTypeVersion = cVersion ?? major;
  const min = major - 1;
  const shown = (p: ParsedMediaType | null) => (p ? p.original : 'null');
  if (acceptVersion > major || acceptVersion < min) {
    throw versionError(
      `Accept version must be either version ${major} or ${min}, but found ${acceptVersion}. Accept=${shown(parsedAccept)}`,
    );
  }
  let restApiMajor = acceptVersion < major ? min : major;
  if (hasContent) {
    if (contentTypeVersion > major || contentTypeVersion < min) {
      throw versionError(
        `Content-Type version must be either version ${major} or ${min}, but found ${contentTypeVersion}. Content-Type=${shown(parsedContentType)}`,
      );
    }
    if (contentTypeVersion !== acceptVersion) {
      throw versionError(
        `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${shown(parsedAccept)}, Content-Type=${shown(parsedContentType)}`,
      );
    }
    if ((aVersion === undefined) !== (cVersion === undefined)) {
      throw versionError(
        `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version. Accept=${shown(parsedAccept)}, Content-Type=${shown(parsedContentType)}`,
      );
    }
    if (contentTypeVersion < major) restApiMajor = min;
    // RestController refuses an unsupported body type after the request was built.
    if (contentType && !BODY_TYPES.test(contentType.trim())) {
      throw new SimpleError(406, `Content-Type header [${contentType}] is not supported`);
    }
  }
  return { restApiMajor, responseVersion: aVersion };
}

/** The compatible-with version to echo in the response content type, if any (see requestCompatibility). */
export function checkCompatibleVersion(
  major: number,
  accept: string | undefined,
  contentType: string | undefined,
  hasContent: boolean,
): number | undefined {
  return requestCompatibility(major, accept, contentType, hasContent).responseVersion;
}
