/**
 * Helpers for tests that probe keys against the in-process sandbox: an admin ClusterPort (the
 * `elastic` user through the real ES adapter), minting keys, and listing every resource a probe
 * run may have left behind. Others may import these.
 */
import { createEsCluster, type EsCluster } from '../../src/adapters/es/es-cluster.js';
import type { ConnectionSettings } from '../../src/core/config/connection.js';
import type { RoleDescriptor } from '../../src/core/privileges/role.js';
import { Secret } from '../../src/core/secret.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

/** A sandbox plus an admin connection to it. */
export interface ProbeSandbox {
  readonly sandbox: Sandbox;
  readonly admin: EsCluster;
  readonly settings: ConnectionSettings;
  /** ESKEYS_* variables that point a CLI subprocess at the sandbox as `elastic`. */
  readonly adminEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Starts a sandbox on an ephemeral port and connects to it as `elastic`. */
export async function startProbeSandbox(): Promise<ProbeSandbox> {
  const sandbox = await startSandbox({ port: 0 });
  const settings: ConnectionSettings = {
    url: sandbox.url,
    auth: { kind: 'basic', username: sandbox.username, password: new Secret(sandbox.password) },
    insecure: false,
    sources: {},
  };
  const admin = createEsCluster(settings, { retry: { retries: 0 } });
  return {
    sandbox,
    admin,
    settings,
    adminEnv: {
      ESKEYS_URL: sandbox.url,
      ESKEYS_USERNAME: sandbox.username,
      ESKEYS_PASSWORD: sandbox.password,
    },
    close: async () => {
      await admin.close();
      await sandbox.close();
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
