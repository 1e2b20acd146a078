/**
 * Cross-cluster API keys (`POST /_security/cross_cluster/api_key`, `PUT …/{id}`): keys of type
 * `cross_cluster` whose only role descriptor is derived from `access`. They need manage_security
 * (their actions are outside `api_key/*`, so manage_api_key does not grant them), keep no owner
 * snapshot, and cannot authenticate REST requests.
 */
import { isDeepStrictEqual } from 'node:util';
import { EsError, illegalArgument, resourceNotFound, validationError } from '../errors.js';
import { bodyText, type Handler, ok, type RequestContext } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';
import { withParsedRequest } from '../http/validation.js';
import { atLeast } from '../version.js';
import { type ApiKeyBody, StrictObject, validateMetadata, validateNameAndMetadata } from './api-key-body.js';
import { createResponse, isExpired, isOwner, mintKey } from './api-keys.js';
import { CROSS_CLUSTER_ROLE, crossClusterDescriptor } from './cross-cluster-access.js';
import { parseTimeValueSeconds, TimeValueError } from './time-value.js';

/** A bad expiration is reported as a failure to parse that field (the cause as the create API words it). */
function expirationOf(p: StrictObject): ApiKeyBody['expiration'] {
  const raw = p.string('expiration');
  if (raw === undefined) return undefined;
  try {
    return { raw, seconds: parseTimeValueSeconds(raw, 'expiration') };
  } catch (e) {
    if (e instanceof TimeValueError) throw p.fieldError('expiration', e.toCause());
    throw e;
  }
}

/** CreateCrossClusterApiKeyRequest parsing and validation, before authorization. */
function parseCreate(ctx: RequestContext): ApiKeyBody {
  const p = StrictObject.parse('cross_cluster_api_key_request', bodyText(ctx));
  p.checkKnown(['name', 'access', 'expiration', 'metadata']);
  if (p.obj.access === undefined) throw illegalArgument('Required [access]');
  const descriptor = crossClusterDescriptor(p.obj.access, ctx.state.version);
  const body: ApiKeyBody = {
    name: p.string('name'),
    roleDescriptors: { [CROSS_CLUSTER_ROLE]: descriptor },
    expiration: expirationOf(p),
    metadata: p.object('metadata'),
  };
  const errors: string[] = [];
  validateNameAndMetadata(body, errors);
  if (errors.length > 0) throw validationError(errors);
  return body;
}

const createCrossClusterApiKey = withParsedRequest(parseCreate, async (ctx, body) => {
  const { record, secret } = await mintKey(ctx, ctx.auth, body, 'cross_cluster');
  return ok(createResponse(record, secret));
});

/** ApiKeyService.validateForUpdate order: ownership (404), invalidated, expired, then the key type. */
function loadForUpdate(ctx: RequestContext, id: string) {
  const k = ctx.state.apiKeys.get(id);
  if (!k || !isOwner(ctx.auth, k))
    throw resourceNotFound(`no API key owned by requesting user found for ID [${id}]`);
  if (k.invalidated) throw illegalArgument(`cannot update invalidated API key [${id}]`);
  if (isExpired(ctx.state, k)) throw illegalArgument(`cannot update expired API key [${id}]`);
  if (k.type !== 'cross_cluster') {
    throw illegalArgument(`cannot update API key of type [${k.type}] while expected type is [cross_cluster]`);
  }
  return k;
}

interface CrossClusterUpdate {
  descriptor: ReturnType<typeof crossClusterDescriptor> | undefined;
  metadata: ApiKeyBody['metadata'];
  expiration: ApiKeyBody['expiration'];
}

/** UpdateCrossClusterApiKeyRequest parsing and validation, before authorization. */
function parseUpdate(ctx: RequestContext): CrossClusterUpdate {
  const text = bodyText(ctx);
  if (text.trim() === '') throw new EsError(400, 'parse_exception', 'request body is required');
  const p = StrictObject.parse('update_cross_cluster_api_key_request', text);
  p.checkKnown(
    atLeast(ctx.state.version, 8, 13) ? ['access', 'metadata', 'expiration'] : ['access', 'metadata'],
  );
  const descriptor =
    p.obj.access !== undefined ? crossClusterDescriptor(p.obj.access, ctx.state.version) : undefined;
  const metadata = p.object('metadata');
  const expiration = expirationOf(p);
  const errors: string[] = [];
  if (descriptor === undefined && metadata === undefined) {
    errors.push('must update either [access] or [metadata] for cross-cluster API keys');
  }
  validateMetadata(metadata, errors);
  if (errors.length > 0) throw validationError(errors);
  return { descriptor, metadata, expiration };
}

const updateCrossClusterApiKey = withParsedRequest(
  parseUpdate,
  (ctx, { descriptor, metadata, expiration }) => {
    if (ctx.auth.kind === 'api_key') {
      throw illegalArgument(
        'authentication via API key not supported: only the owner user can update an API key',
      );
    }
    const k = loadForUpdate(ctx, ctx.params.id!);
    const roleDescriptors = descriptor ? { [CROSS_CLUSTER_ROLE]: descriptor } : undefined;
    const noop =
      expiration === undefined &&
      (metadata === undefined || isDeepStrictEqual(metadata, k.metadata)) &&
      (roleDescriptors === undefined || isDeepStrictEqual(roleDescriptors, k.roleDescriptors));
    if (noop) return ok({ updated: false });
    ctx.state.apiKeys.update(k, (key) => {
      if (roleDescriptors) key.roleDescriptors = roleDescriptors;
      if (metadata !== undefined) key.metadata = metadata;
      if (expiration) key.expiration = ctx.state.now() + expiration.seconds * 1000;
      key.version++;
    });
    ctx.state.apiKeyAuthCache.evict(k.id);
    return ok({ updated: true });
  },
);

/** Registers the cross-cluster API key routes. */
export function registerCrossClusterApiKeyRoutes(r: Router<Handler>): void {
  r.add('POST', '/_security/cross_cluster/api_key', withParams([], createCrossClusterApiKey)).add(
    'PUT',
    '/_security/cross_cluster/api_key/{id}',
    withParams([], updateCrossClusterApiKey),
  );
}
