/**
 * Helpers for tests that probe keys against the in-process sandbox (or a real Elasticsearch with
 * ESKEYS_REAL_ES=1, see test-cluster.ts): an admin ClusterPort (the `elastic` user through the
 * real ES adapter), minting keys, and listing every resource a probe run may have left behind.
 * Others may import these.
 */
import { createEsCluster, type EsCluster } from '../../src/adapters/es/es-cluster.js';
import type { ClusterPort } from '../../src/core/cluster-port.js';
import type { ConnectionSettings } from '../../src/core/config/connection.js';
import type { RoleDescriptor } from '../../src/core/privileges/role.js';
import { Secret } from '../../src/core/secret.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startTestCluster } from './test-cluster.js';

/** The cluster under test (the sandbox, or a real Elasticsearch with ESKEYS_REAL_ES=1) plus an admin connection. */
export interface ProbeSandbox {
  /** Present on the sandbox only (fault injection, request counters, state); tests needing it skip on a real cluster. */
  readonly sandbox?: Sandbox;
  readonly url: string;
  /** The admin (`elastic`) password: a secret that must never appear in output either. */
  readonly password: string;
  readonly admin: EsCluster;
  readonly settings: ConnectionSettings;
  /** ESKEYS_* variables that point a CLI subprocess at the cluster as the admin identity. */
  readonly adminEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the sandbox on an ephemeral port (or connects to the real cluster) and connects as the admin. */
export async function startProbeSandbox(): Promise<ProbeSandbox> {
  const cluster = await startTestCluster();
  const settings: ConnectionSettings = {
    url: cluster.url,
    auth: { kind: 'basic', username: cluster.username, password: new Secret(cluster.password) },
    ...(cluster.caFingerprint ? { caFingerprint: cluster.caFingerprint } : {}),
    insecure: false,
    sources: {},
  };
  const admin = createEsCluster(settings, { retry: { retries: 0 } });
  return {
    sandbox: cluster.sandbox,
    url: cluster.url,
    password: cluster.password,
    admin,
    settings,
    adminEnv: {
      ESKEYS_URL: cluster.url,
      ESKEYS_USERNAME: cluster.username,
      ESKEYS_PASSWORD: cluster.password,
      ...(cluster.caFingerprint ? { ESKEYS_CA_FINGERPRINT: cluster.caFingerprint } : {}),
    },
    close: async () => {
      await admin.close();
      await cluster.close();
    },
  };
}

/** A key minted for a test; `secrets` are the strings that must never appear in any output. */
export interface TestKey {
  readonly id: string;
  readonly encoded: Secret;
  readonly secrets: readonly string[];
}

/** Mints a key with the given role descriptors as the admin identity. */
export async function mintKey(
  admin: EsCluster,
  roleDescriptors: Record<string, RoleDescriptor>,
  name = 'probe-test-key',
): Promise<TestKey> {
  const created = await admin.createApiKey({ name, roleDescriptors, metadata: { test: true } });
  const raw = created.encoded.reveal();
  const apiKey = Buffer.from(raw, 'base64').toString('utf8').split(':')[1] ?? '';
  return { id: created.id, encoded: created.encoded, secrets: [raw, apiKey].filter((s) => s.length > 0) };
}

/**
 * The same list as {@link probeLeftovers}, read over HTTP as the admin identity, so that it works
 * against a real Elasticsearch too (ESKEYS_REAL_ES=1). Hidden indices and aliases are included.
 */
export async function probeLeftoversOverHttp(admin: ClusterPort): Promise<string[]> {
  const get = async (path: string, querystring?: Record<string, string>) => {
    const r = await admin.adminRequest({ method: 'GET', path, querystring });
    return r.status === 200 ? (r.body as Record<string, unknown>) : {};
  };
  const out: string[] = [];
  const indices = await get('/*eskeys-probe*', { expand_wildcards: 'all' });
  for (const [name, v] of Object.entries(indices)) {
    out.push(`index ${name}`);
    for (const alias of Object.keys((v as { aliases?: object }).aliases ?? {})) out.push(`alias ${alias}`);
  }
  const templates = await get('/_index_template/*eskeys-probe*');
  for (const t of (templates.index_templates as { name: string }[] | undefined) ?? [])
    out.push(`index template ${t.name}`);
  for (const n of Object.keys(await get('/_ilm/policy'))) out.push(`ILM policy ${n}`);
  for (const n of Object.keys(await get('/_ingest/pipeline'))) out.push(`pipeline ${n}`);
  const keys = await get('/_security/api_key', { name: 'eskeys-probe-*', active_only: 'true' });
  for (const k of (keys.api_keys as { name: string; invalidated: boolean }[] | undefined) ?? [])
    if (!k.invalidated) out.push(`API key ${k.name}`);
  return out.filter((n) => n.includes('eskeys-probe-')).sort();
}

/** Every resource in the sandbox whose name carries `eskeys-probe-` (a per-run canary), sorted. */
export function probeLeftovers(sandbox: Sandbox): string[] {
  const s = sandbox.state;
  const out: string[] = [];
  for (const [name, idx] of s.indices) {
    out.push(`index ${name}`);
    for (const alias of idx.aliases.keys()) out.push(`alias ${alias}`);
  }
  for (const n of s.indexTemplates.keys()) out.push(`index template ${n}`);
  for (const n of s.legacyTemplates.keys()) out.push(`legacy template ${n}`);
  for (const n of s.ilmPolicies.keys()) out.push(`ILM policy ${n}`);
  for (const n of s.pipelines.keys()) out.push(`pipeline ${n}`);
  for (const k of s.apiKeys.all()) if (!k.invalidated) out.push(`API key ${k.name}`);
  return out.filter((n) => n.includes('eskeys-probe-')).sort();
}

/** Asserts-friendly: the secrets of `keys` that occur in `text`. */
export function leakedSecrets(text: string, keys: readonly TestKey[]): string[] {
  return keys.flatMap((k) => k.secrets).filter((s) => text.includes(s));
}
