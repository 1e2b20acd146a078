import type { RoleDescriptor } from '../../core/privileges/index.js';
import { type ErrorCause, EsError, illegalArgument, parseError } from '../errors.js';
import { at, type Position, type PositionedJson, parseJsonWithPositions } from '../http/json.js';
import { isObject, tokenOf } from '../util.js';
import { parseRoleDescriptor } from './role-descriptors.js';
import { parseTimeValueSeconds, TimeValueError } from './time-value.js';

/** Parsed create/update API key fields (what the request object holds after parsing). */
export interface ApiKeyBody {
  name?: string;
  roleDescriptors?: Record<string, RoleDescriptor>;
  /** Raw expiration string (validated) and its whole seconds. */
  expiration?: { raw: string; seconds: number };
  metadata?: Record<string, unknown>;
}

/** A strict object parser in the manner of ES's ObjectParser: unknown fields and wrong types fail with positions. */
export class StrictObject {
  constructor(
    readonly parserName: string,
    readonly doc: PositionedJson,
    readonly obj: Record<string, unknown>,
  ) {}
  static parse(parserName: string, text: string): StrictObject {
    const doc = parseJsonWithPositions(text.trim() === '' ? '{}' : text);
    if (!isObject(doc.value)) {
      throw parseError(`[1:1] [${parserName}] Expected START_OBJECT but was: ${tokenOf(doc.value)}`);
    }
    return new StrictObject(parserName, doc, doc.value);
  }
  /** Rejects keys outside `known` with `[l:c] [parser] unknown field [x]`. */
  checkKnown(known: readonly string[]): void {
    for (const k of Object.keys(this.obj)) {
      if (!known.includes(k))
        throw parseError(
          `${at(this.doc.keyPosition(this.obj, k))} [${this.parserName}] unknown field [${k}]`,
        );
    }
  }
  valuePos(key: string): Position {
    return this.doc.valuePosition(this.obj, key);
  }
  typeError(key: string): EsError {
    return parseError(
      `${at(this.valuePos(key))} [${this.parserName}] ${key} doesn't support values of type: ${tokenOf(this.obj[key])}`,
    );
  }
  fieldError(key: string, cause: ErrorCause): EsError {
    return parseError(`${at(this.valuePos(key))} [${this.parserName}] failed to parse field [${key}]`, cause);
  }
  string(key: string, nullable = true): string | undefined {
    const v = this.obj[key];
    if (v === undefined || (v === null && nullable)) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw this.typeError(key);
  }
  object(key: string): Record<string, unknown> | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) throw this.typeError(key);
    return v;
  }
  /** Position of the closing brace of the top-level object. */
  endPos(text: string): Position {
    const i = text.lastIndexOf('}');
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    return { line, col: i - before.lastIndexOf('\n') };
  }
}

/** Parses `role_descriptors`, wrapping RoleDescriptor.parse failures as ObjectParser does. */
export function parseRoleDescriptors(
  p: StrictObject,
  key = 'role_descriptors',
): Record<string, RoleDescriptor> | undefined {
  const raw = p.object(key);
  if (!raw) return undefined;
  const out: Record<string, RoleDescriptor> = {};
  for (const [name, body] of Object.entries(raw)) {
    try {
      out[name] = parseRoleDescriptor(name, body);
    } catch (e) {
      if (e instanceof EsError) throw p.fieldError(key, e);
      throw e;
    }
  }
  return out;
}

function expirationCause(e: unknown): ErrorCause {
  if (e instanceof TimeValueError) return e.toCause();
  throw e;
}

/**
 * The create body (`api_key_request`, §4.1). `expiration` is a constructor argument of ES's
 * ConstructingObjectParser, so a bad value surfaces when the object is built: at the end of the
 * object ("Failed to build … after last required field arrived"), or, when all four fields are
 * present, inside the parse of the last one.
 */
export function parseCreateBody(text: string, parserName = 'api_key_request'): ApiKeyBody {
  const p = StrictObject.parse(parserName, text);
  const fields = ['name', 'role_descriptors', 'expiration', 'metadata'];
  p.checkKnown(fields);
  const name = p.string('name', false);
  const roleDescriptors = parseRoleDescriptors(p);
  const expirationRaw = p.string('expiration');
  const metadata = p.object('metadata');
  if (p.obj.name === undefined) throw illegalArgument('Required [name]');
  const body: ApiKeyBody = { name: name ?? '' };
  if (roleDescriptors) body.roleDescriptors = roleDescriptors;
  if (metadata) body.metadata = metadata;
  if (expirationRaw !== undefined) {
    try {
      body.expiration = { raw: expirationRaw, seconds: parseTimeValueSeconds(expirationRaw, 'expiration') };
    } catch (e) {
      const cause = expirationCause(e);
      const keys = Object.keys(p.obj);
      if (fields.every((f) => keys.includes(f))) {
        const last = keys[keys.length - 1]!;
        const inner: ErrorCause = {
          type: 'x_content_parse_exception',
          reason: `${at(p.valuePos(last))} Failed to build [${parserName}] after last required field arrived`,
          causedBy: cause,
        };
        throw p.fieldError(last, inner);
      }
      throw parseError(
        `${at(p.endPos(text))} Failed to build [${parserName}] after last required field arrived`,
        cause,
      );
    }
  }
  return body;
}

/** The update body (`role_descriptors`, `metadata`, `expiration`; §4.6). */
export function parseUpdateBody(
  text: string,
  known: string[] = ['role_descriptors', 'metadata', 'expiration'],
): ApiKeyBody & { rest: StrictObject } {
  const p = StrictObject.parse(
    known.includes('ids') ? 'bulk_update_api_key_request' : 'update_api_key_request_payload',
    text,
  );
  p.checkKnown(known);
  const body: ApiKeyBody & { rest: StrictObject } = { rest: p };
  const rd = parseRoleDescriptors(p);
  if (rd) body.roleDescriptors = rd;
  const md = p.object('metadata');
  if (md) body.metadata = md;
  const exp = p.string('expiration');
  if (exp !== undefined) {
    try {
      body.expiration = { raw: exp, seconds: parseTimeValueSeconds(exp, 'expiration') };
    } catch (e) {
      throw p.fieldError('expiration', expirationCause(e));
    }
  }
  return body;
}

/** AbstractCreateApiKeyRequest.validate messages for name and metadata (§4.1, §11). */
export function validateNameAndMetadata(body: ApiKeyBody, errors: string[]): void {
  const name = body.name ?? '';
  if (name === '') errors.push('api key name is required');
  else {
    if (name.length > 256) errors.push('api key name may not be more than 256 characters long');
    if (name !== name.trim()) errors.push('api key name may not begin or end with whitespace');
    if (name.startsWith('_')) errors.push('api key name may not begin with an underscore');
  }
  validateMetadata(body.metadata, errors);
}

/** Top-level metadata keys may not start with `_`. */
export function validateMetadata(metadata: Record<string, unknown> | undefined, errors: string[]): void {
  if (metadata && Object.keys(metadata).some((k) => k.startsWith('_'))) {
    errors.push('API key metadata keys may not start with [_]');
  }
}
