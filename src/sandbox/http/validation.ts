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
