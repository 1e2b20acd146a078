/**
 * The sandbox: a local Elasticsearch 8.x/9.x security emulator served over real HTTP(S) to the
 * official client (Elasticsearch's documented behaviour is its specification; docs/es-facts.md lists
 * the extra facts it relies on).
 *
 * Private routes (never counted or faulted; `elastic` only):
 * - `POST /_sandbox/faults` `{method?, path ("~regex" for a RegExp), times?, latencyMs?, status?, drop?,
 *   body? (verbatim answer text), contentType?, auth? ("api_key" | "basic")}`,
 *   `GET /_sandbox/faults`, `DELETE /_sandbox/faults`
 * - `GET /_sandbox/counters`, `POST /_sandbox/counters/_reset`
 * - `POST /_sandbox/seed/api_keys` `{count, owner?, metadata?, name_prefix?, return_secret?}`
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { adminRouter } from './admin-routes.js';
import { RequestCounter } from './counters.js';
import { registerAliasRoutes } from './data/aliases.js';
import { registerBulkRoutes } from './data/bulk.js';
import { registerCatRoutes } from './data/cat.js';
import { registerClusterRoutes } from './data/cluster.js';
import { registerClusterStatsRoutes } from './data/cluster-stats.js';
import { registerDataStreamRoutes } from './data/data-streams.js';
import { registerDocumentRoutes } from './data/documents.js';
import { registerFeatureRoutes } from './data/features.js';
import { registerFieldCapsRoutes } from './data/field-caps.js';
import { registerIlmRoutes } from './data/ilm.js';
import { registerIndexRoutes } from './data/indices.js';
import { registerLicenseRoutes } from './data/license.js';
import { registerMultiGetRoutes } from './data/multi-get.js';
import { registerMultiSearchRoutes } from './data/multi-search.js';
import { registerNodesStatsRoutes } from './data/nodes-stats.js';
import { registerOpenCloseRoutes } from './data/open-close.js';
import { registerPipelineRoutes } from './data/pipelines.js';
import { registerResolveIndexRoutes } from './data/resolve-index.js';
import { registerRolloverRoutes } from './data/rollover.js';
import { registerSearchRoutes } from './data/search.js';
import { registerTemplateRoutes } from './data/templates.js';
import { registerUpdateByQueryRoutes } from './data/update-by-query.js';
import { FaultInjector } from './faults.js';
import type { Handler } from './http/context.js';
import { registerNotEmulated } from './http/not-emulated.js';
import { Router } from './http/router.js';
import { registerApiKeyRoutes } from './security/api-keys.js';
import { authenticate } from './security/authenticate.js';
import { registerNativeRealmRoutes } from './security/native-realm.js';
import { listen } from './server.js';
import { SandboxState } from './state.js';
import { generateCertificate } from './tls.js';
import { resolveVersion, type VersionProfile } from './version.js';

export { RequestCounter } from './counters.js';
export { FaultInjector, type FaultSpec } from './faults.js';
export { SandboxState, type SeedApiKeysOptions } from './state.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** @defaultValue 0 (an ephemeral port) */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** `'8'`, `'9'` or a full version such as `'8.19.3'`. @defaultValue '8' */
  version?: '8' | '9' | string;
  /** Serve HTTPS with a certificate generated at start. @defaultValue false */
  tls?: boolean;
  /** The `elastic` password. @defaultValue env ESKEYS_SANDBOX_PASSWORD, else random */
  elasticPassword?: string;
  /** Clock for expiry and timestamps (tests advance it). @defaultValue Date.now */
  now?: () => number;
}

/** A running sandbox. */
export interface Sandbox {
  url: string;
  username: 'elastic';
  password: string;
  /** PEM of the self-signed certificate, when `tls`. */
  caCert?: string;
  /** SHA-256 fingerprint (hex) of the certificate, for the client's `caFingerprint`. */
  caFingerprint?: string;
  faults: FaultInjector;
  counters: RequestCounter;
  state: SandboxState;
  close(): Promise<void>;
}

/**
 * The router with every Elasticsearch route the sandbox serves, as a stateful build of `version`
 * routes them (the default profile unless given).
 */
export function buildRouter(version: VersionProfile = resolveVersion(undefined)): Router<Handler> {
  const r = new Router<Handler>();
  registerNativeRealmRoutes(r);
  registerApiKeyRoutes(r);
  registerClusterRoutes(r);
  registerTemplateRoutes(r);
  registerIlmRoutes(r);
  registerPipelineRoutes(r);
  registerIndexRoutes(r);
  registerAliasRoutes(r);
  registerDocumentRoutes(r);
  registerBulkRoutes(r);
  registerSearchRoutes(r);
  registerMultiGetRoutes(r);
  registerMultiSearchRoutes(r);
  registerUpdateByQueryRoutes(r);
  registerDataStreamRoutes(r);
  registerRolloverRoutes(r);
  registerFeatureRoutes(r);
  registerCatRoutes(r);
  registerOpenCloseRoutes(r);
  registerLicenseRoutes(r);
  registerResolveIndexRoutes(r);
  registerFieldCapsRoutes(r);
  registerNodesStatsRoutes(r);
  registerClusterStatsRoutes(r);
  registerNotEmulated(r, version);
  return r;
}

/** The bootstrap password: option, then ESKEYS_SANDBOX_PASSWORD, then a random one. */
export function resolvePassword(opt: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return opt ?? env.ESKEYS_SANDBOX_PASSWORD ?? randomBytes(12).toString('base64url');
}

/** Starts an Elasticsearch-compatible security emulator over real HTTP(S). */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  const state = new SandboxState(resolveVersion(opts.version), opts.now ?? Date.now);
  const password = resolvePassword(opts.elasticPassword);
  await state.bootstrap(password);
  const faults = new FaultInjector();
  const counters = new RequestCounter();
  const cert = opts.tls ? await generateCertificate(host) : undefined;
  const { server, url } = await listen(
    {
      state,
      router: buildRouter(state.version),
      adminRouter: adminRouter(faults, counters),
      faults,
      counters,
      authenticate,
      ...(cert ? { tls: { key: cert.key, cert: cert.cert } } : {}),
    },
    host,
    opts.port ?? 0,
  );
  return {
    url,
    username: 'elastic',
    password,
    ...(cert ? { caCert: cert.cert, caFingerprint: cert.fingerprint } : {}),
    faults,
    counters,
    state,
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
