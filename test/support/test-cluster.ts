/**
 * The cluster an integration test talks to: the in-process sandbox by default, or a real
 * Elasticsearch when ESKEYS_REAL_ES=1 (with ESKEYS_URL, ESKEYS_USERNAME, ESKEYS_PASSWORD and
 * optionally ESKEYS_CA_CERT / ESKEYS_CA_FINGERPRINT), e.g. one started by scripts/real-es.sh.
 * Tests that need sandbox-only features (fault injection, request counters, a fake clock)
 * check `sandbox` and skip themselves on a real cluster.
 */
import type { Sandbox } from '../../src/sandbox/index.js';

export interface TestCluster {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly caCert?: string;
  readonly caFingerprint?: string;
  /** Present when running against the sandbox. */
  readonly sandbox?: Sandbox;
  readonly real: boolean;
  close(): Promise<void>;
}

/** True when the suite is pointed at a real Elasticsearch. */
export const usingRealCluster = process.env.ESKEYS_REAL_ES === '1';

/** Starts (or connects to) the cluster for one test file. */
export async function startTestCluster(): Promise<TestCluster> {
  if (usingRealCluster) {
    const url = process.env.ESKEYS_URL;
    const username = process.env.ESKEYS_USERNAME;
    const password = process.env.ESKEYS_PASSWORD;
    if (!url || !username || !password) {
      throw new Error('ESKEYS_REAL_ES=1 needs ESKEYS_URL, ESKEYS_USERNAME and ESKEYS_PASSWORD');
    }
    return {
      url,
      username,
      password,
      caFingerprint: process.env.ESKEYS_CA_FINGERPRINT,
      real: true,
      close: async () => {},
    };
  }
  const { startSandbox } = await import('../../src/sandbox/index.js');
  const sandbox = await startSandbox({ port: 0 });
  return {
    url: sandbox.url,
    username: sandbox.username,
    password: sandbox.password,
    caCert: sandbox.caCert,
    caFingerprint: sandbox.caFingerprint,
    sandbox,
    real: false,
    close: () => sandbox.close(),
  };
}
