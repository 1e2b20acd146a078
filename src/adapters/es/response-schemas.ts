import { z } from 'zod';
import { ClusterUnavailableError } from '../../core/errors.js';
import { encodedKeyId } from '../../core/probes/encoded-key.js';
import { Secret } from '../../core/secret.js';

/*
 * The shapes eskeys relies on in the answers it reads (docs/es-facts.md "Response shapes").
 * A proxy answering 200 with an HTML page, an empty 200, or a body with the wrong types must
 * stop the command with one line naming the API and the field, before any value is used: an
 * `undefined` id would otherwise reach the journal and a probe would go out as `ApiKey undefined`.
 * Objects stay loose: newer versions add fields, and only the fields read here are checked.
 */

const millis = z.number();
const descriptors = z.record(z.string(), z.unknown());

/** One key of the get and query APIs. */
export const apiKeySchema = z.looseObject({
  id: z.string().min(1),
  // Tolerated rather than refused: a nameless key may be listed as `name: null` (docs/es-facts.md).
  name: z.string().nullable(),
  creation: millis,
  expiration: millis.nullish(),
  invalidated: z.boolean(),
  invalidation: millis.nullish(),
  username: z.string(),
  realm: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  role_descriptors: descriptors.nullish(),
  limited_by: z.array(descriptors).nullish(),
  type: z.string().optional(),
  realm_type: z.string().optional(),
  _sort: z.array(z.unknown()).optional(),
});

/** `POST /_security/api_key`. */
export const createApiKeySchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  expiration: millis.optional(),
  api_key: z.string().min(1),
  encoded: z.string().min(1),
});

/** `GET /_security/api_key`. */
export const getApiKeySchema = z.looseObject({ api_keys: z.array(apiKeySchema) });

/** `POST /_security/_query/api_key`. */
export const queryApiKeysSchema = z.looseObject({
  total: z.number().int().nonnegative(),
  count: z.number().int().nonnegative().optional(),
  api_keys: z.array(apiKeySchema),
});

/** `PUT /_security/api_key/{id}`. */
export const updateApiKeySchema = z.looseObject({ updated: z.boolean() });

/** `DELETE /_security/api_key`. */
export const invalidateApiKeysSchema = z.looseObject({
  invalidated_api_keys: z.array(z.string()),
  previously_invalidated_api_keys: z.array(z.string()),
});

/** `POST /_security/user/_has_privileges`. */
export const hasPrivilegesSchema = z.looseObject({
  has_all_requested: z.boolean(),
  cluster: z.record(z.string(), z.boolean()),
  index: z.record(z.string(), z.record(z.string(), z.boolean())),
});

/** `GET /_security/_authenticate`. */
export const authenticateSchema = z.looseObject({
  username: z.string().min(1),
  roles: z.array(z.string()),
  authentication_realm: z.looseObject({ name: z.string(), type: z.string() }).optional(),
  lookup_realm: z.looseObject({ name: z.string(), type: z.string().optional() }).optional(),
  authentication_type: z.string().optional(),
  api_key: z.looseObject({ id: z.string().optional(), name: z.string().nullish() }).optional(),
});

/** `GET /` (cluster info). */
export const infoSchema = z.looseObject({
  cluster_name: z.string().optional(),
  version: z.looseObject({ number: z.string().min(1), build_flavor: z.string().optional() }),
});

/** `POST /_security/_query/api_key` with `size: 0`: only the exact total is read. */
export const countApiKeysSchema = z.looseObject({ total: z.number().int().nonnegative() });

/**
 * Raw (admin or key) requests of probes whose 200 answers are read as data (static probes ask
 * `_has_privileges` as the key), keyed `METHOD path`, with the API name used in messages.
 * Doctor and review read `_authenticate` and `GET /` through ClusterPort's domain operations.
 */
export const RAW_RESPONSE_SCHEMAS: ReadonlyMap<string, { api: string; schema: z.ZodType }> = new Map([
  ['GET /_security/_authenticate', { api: 'authenticate', schema: authenticateSchema }],
  ['POST /_security/user/_has_privileges', { api: 'has privileges', schema: hasPrivilegesSchema }],
  ['GET /', { api: 'info (GET /)', schema: infoSchema }],
]);

/**
 * Parses a body the cluster answered, or throws ClusterUnavailableError (exit 3) naming the API
 * and the first unusable field. Never quotes a value: bodies may hold secrets.
 */
export function parseResponse<S extends z.ZodType>(
  url: string,
  api: string,
  schema: S,
  body: unknown,
): z.output<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw unusable(url, api, describeIssue(body, r.error.issues[0]));
}

/** The create answer as a secret: `encoded` must carry the id the answer names. */
export function createdKeyFrom(url: string, body: unknown) {
  const r = parseResponse(url, 'create API key', createApiKeySchema, body);
  const encoded = new Secret(r.encoded);
  if (encodedKeyId(encoded) !== r.id)
    throw unusable(url, 'create API key', 'field "encoded" is not base64 of the key\'s id and secret');
  return { id: r.id, name: r.name, expiration: r.expiration, encoded };
}

function unusable(url: string, api: string, what: string): ClusterUnavailableError {
  return new ClusterUnavailableError(`cluster ${url} answered ${api} with an unusable body: ${what}`);
}

function describeIssue(body: unknown, issue: z.core.$ZodIssue | undefined): string {
  if (body === undefined || body === null || body === '') return 'the body is empty';
  if (typeof body !== 'object' || Array.isArray(body))
    return typeof body === 'string' ? 'the body is not JSON' : `the body is ${kind(body)}, not a JSON object`;
  if (!issue) return 'the body does not validate';
  const path = issue.path.reduce<string>(
    (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
    '',
  );
  const value = valueAt(body, issue.path);
  if (value === undefined) return `field "${path}" missing`;
  if (issue.code === 'invalid_type') return `field "${path}" is ${kind(value)}, expected ${issue.expected}`;
  if (issue.code === 'too_small' && typeof value === 'string') return `field "${path}" is empty`;
  return `field "${path}" is out of range`;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = body;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}
