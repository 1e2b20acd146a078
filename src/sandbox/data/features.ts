/**
 * POST /_features/_reset. Elasticsearch resets the state every feature keeps in its system
 * indices; of those the sandbox holds only the security feature's (the `.security` index), so
 * that is the one feature it resets and reports. Authorization (`cluster:admin/features/reset`)
 * is the server's step, as for every API.
 */
import { type Handler, ok } from '../http/context.js';
import { withParams } from '../http/params.js';
import type { Router } from '../http/router.js';

const resetFeatures: Handler = (ctx) => {
  ctx.state.resetSecurityFeature();
  return ok({ features: [{ feature_name: 'security', status: 'SUCCESS' }] });
};

export function registerFeatureRoutes(r: Router<Handler>): void {
  r.add('POST', '/_features/_reset', withParams(['master_timeout'], resetFeatures));
}
