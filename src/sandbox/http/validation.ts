import type { Handler, RequestContext } from './context.js';

const validators = new WeakMap<Handler, (ctx: RequestContext) => void>();

/**
 * Declares the request validation of a handler: Elasticsearch's REST parsing and
 * `ActionRequest.validate()`, which run before the security filter authorizes the action
 * (TransportAction.execute validates, then enters the filter chain). The server runs it after
 * the parameter check and before the authorization step; the handler runs after both.
 */
export function withValidation(validate: (ctx: RequestContext) => void, handler: Handler): Handler {
  validators.set(handler, validate);
  return handler;
}

/** Runs the handler's declared request validation, if any (throws the 400). */
export function validateRequest(ctx: RequestContext, handler: Handler): void {
  validators.get(handler)?.(ctx);
}

/**
 * A handler whose request parsing and validation run before authorization and hand their result
 * to the handler, so the body is parsed once: `parse` throws the 400s (REST parsing,
 * `ActionRequest.validate()`), the server authorizes, then `handler` runs with what `parse` returned.
 */
export function withParsedRequest<T>(
  parse: (ctx: RequestContext) => T,
  handler: (ctx: RequestContext, parsed: T) => ReturnType<Handler>,
): Handler {
  const parsedByRequest = new WeakMap<RequestContext, T>();
  const run: Handler = (ctx) => {
    if (!parsedByRequest.has(ctx))
      throw new Error(`bug: ${ctx.method} ${ctx.path} ran before its validation`);
    return handler(ctx, parsedByRequest.get(ctx) as T);
  };
  return withValidation((ctx) => {
    parsedByRequest.set(ctx, parse(ctx));
  }, run);
}
