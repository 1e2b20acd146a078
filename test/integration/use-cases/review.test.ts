// The review use case (core/use-cases/review.ts) against the sandbox: what the admin connection
// reads (who it connects as, the version, the identity's live keys and their privileges) and
// the --live evidence (the deployed key's probes), with in-memory audit log and key lookup.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEsCluster } from '../../../src/adapters/es/es-cluster.js';
import type { AuditEvent } from '../../../src/core/audit/audit-event.js';
import { ConfigError } from '../../../src/core/errors.js';
import type { ReviewDocument } from '../../../src/core/review/types.js';
import {
  type ProjectConfig,
  ProjectConfigSchema,
  type RoleTemplate,
  RoleTemplateSchema,
} from '../../../src/core/templates/schema.js';
import {
  type AdminClusterAccess,
  type LiveKeyAccess,
  type ReviewPorts,
  recordSignOff,
  reviewProject,
} from '../../../src/core/use-cases/review.js';
import type { KeyUnderTest } from '../../../src/core/use-cases/verify-deployed-key.js';
import { FakeClock, fakeRandom } from '../../support/fake-clock.js';
import {
  mintKey,
  type ProbeSandbox,
  startProbeSandbox,
  type TestKey,
} from '../../support/sandbox-helpers.js';
import { usingRealCluster } from '../../support/test-cluster.js';
import { NO_AUDIT } from '../../unit/review/support.js';

const DESCRIPTORS = {
  'email-search': {
    cluster: ['monitor'],
    indices: [{ names: ['gmail_emails-*'], privileges: ['read'] }],
  },
};

const template: RoleTemplate = RoleTemplateSchema.parse({
  name: 'email-search',
  role_descriptors: DESCRIPTORS,
  probes: { allow: ['cluster.health'], deny: ['doc.delete'] },
});

const CONFIG: ProjectConfig = ProjectConfigSchema.parse({ environments: { prod: {} } });

describe('reviewProject against the sandbox', () => {
  let sb: ProbeSandbox;
  let deployed: TestKey;
  let broad: TestKey;
  beforeAll(async () => {
    sb = await startProbeSandbox();
    // Managed keys as eskeys mints them: the metadata rotate writes (literal, not computed).
    const managed = (generation: number, state: string) => ({
      managed_by: 'eskeys',
      template: 'email-search',
      environment: 'prod',
      template_hash: 'sha256:not-this-template',
      generation,
      created_by: 'alice@host',
      rotation_id: `r${generation}`,
      state,
    });
    deployed = await sb.admin
      .createApiKey({
        name: 'email-search@prod#2',
        roleDescriptors: DESCRIPTORS,
        metadata: managed(2, 'active'),
      })
      .then((c) => ({ id: c.id, encoded: c.encoded, secrets: [c.encoded.reveal()] }));
    // An older generation that was widened outside eskeys: its live descriptors differ.
    broad = await sb.admin
      .createApiKey({
        name: 'email-search@prod#1',
        roleDescriptors: {
          wide: { cluster: ['monitor'], indices: [{ names: ['gmail_emails-*'], privileges: ['all'] }] },
        },
        metadata: managed(1, 'superseded'),
      })
      .then((c) => ({ id: c.id, encoded: c.encoded, secrets: [c.encoded.reveal()] }));
  });
  afterAll(async () => sb?.close());

  function ports(over: Partial<ReviewPorts> = {}): { ports: ReviewPorts; steps: string[] } {
    const steps: string[] = [];
    return {
      steps,
      ports: {
        run: {
          clock: new FakeClock(new Date().toISOString()),
          random: fakeRandom(),
          signal: new AbortController().signal,
        },
        reporter: { step: (m) => steps.push(m), warn: (m) => steps.push(`warn: ${m}`) },
        readAuditLog: async () => NO_AUDIT,
        openAdminCluster: async (): Promise<AdminClusterAccess> => ({
          cluster: createEsCluster(sb.settings, { retry: { retries: 0 } }),
        }),
        ...over,
      },
    };
  }

  /** --live with the given key, probing as the admin identity. */
  function liveWith(key: KeyUnderTest | (() => never)): LiveKeyAccess {
    return {
      readKey: () => (typeof key === 'function' ? key() : key),
      connect: async () => ({
        connection: {
          cluster: createEsCluster(sb.settings, { retry: { retries: 0 } }),
          adminAvailable: true,
        },
        clusterUrl: sb.url,
      }),
    };
  }

  const request = {
    templates: [{ template, file: 'roles/email-search.json' }],
    config: CONFIG,
    environment: 'prod',
    actor: 'bob@host',
  };

  it('reads who the admin is, the version and each live key with its owner and privileges', async ({
    skip,
  }) => {
    if (usingRealCluster) skip(); // the version and realm below are the sandbox's
    const doc = await reviewProject(ports().ports, request);
    const cluster = doc.identities[0]!.cluster;
    if (!cluster.available) throw new Error('expected the cluster section');
    // `elastic` authenticates in the `reserved` realm (Elasticsearch's bootstrap superuser);
    // the sandbox impersonates 8.19.3 by default.
    expect(cluster.admin).toEqual({ username: 'elastic', realm: 'reserved' });
    expect(cluster.version).toBe('8.19.3');
    expect(cluster.keys.map((k) => [k.id, k.status, k.owner, k.privileges])).toEqual([
      [deployed.id, 'active', { username: 'elastic', realm: 'reserved' }, 'match'],
      [broad.id, 'superseded', { username: 'elastic', realm: 'reserved' }, 'differ'],
    ]);
    expect(cluster.active?.id).toBe(deployed.id);
    // The metadata's template hash is not this template's: not minted from this version.
    expect(cluster.templateMatches).toBe(false);
    expect(doc.generatedBy).toBe('bob@host');
    expect(doc.environment).toBe('prod');
  });

  it('--live embeds the deployed key probes: health allowed, delete refused', async () => {
    const key: KeyUnderTest = {
      encoded: deployed.encoded,
      id: deployed.id,
      source: 'the key in ELASTICSEARCH_API_KEY',
    };
    const { ports: p, steps } = ports({ live: liveWith(key) });
    const doc = await reviewProject(p, request);
    const live = doc.identities[0]!.live;
    if (!live?.ran) throw new Error(`expected a live run, got ${JSON.stringify(live)}`);
    expect(live.keySource).toBe('the key in ELASTICSEARCH_API_KEY');
    expect(live.clusterUrl).toBe(sb.url);
    expect(live.report.passed).toBe(true);
    expect(live.report.results.map((r) => [r.op, r.expected, r.verdict])).toEqual([
      ['cluster.health', 'allow', 'pass'],
      ['doc.delete', 'deny', 'pass'],
    ]);
    expect(steps[0]).toBe('probing email-search (prod) with the key in ELASTICSEARCH_API_KEY');
  });

  it('--live with a key the cluster rejects (invalidated) records the rejection, not a failure', async () => {
    const gone = await mintKey(sb.admin, DESCRIPTORS, 'invalidated-key');
    await sb.admin.invalidateApiKeys([gone.id]);
    const key: KeyUnderTest = { encoded: gone.encoded, id: gone.id, source: 'the key in K' };
    const doc = await reviewProject(ports({ live: liveWith(key) }).ports, request);
    const live = doc.identities[0]!.live;
    expect(live?.ran).toBe(false);
    expect(live && !live.ran && live.keyRejected).toBe(true);
    expect(live && !live.ran ? live.reason.startsWith('the key in K: ') : false).toBe(true);
  });

  it('--live without a key to find, or without probes, says why in the document', async () => {
    const noKey = liveWith(() => {
      throw new ConfigError('no key to verify: ELASTICSEARCH_API_KEY is not set in the environment');
    });
    const doc = await reviewProject(ports({ live: noKey }).ports, request);
    expect(doc.identities[0]!.live).toEqual({
      ran: false,
      reason: 'no key to verify: ELASTICSEARCH_API_KEY is not set in the environment',
    });
    const noProbes = RoleTemplateSchema.parse({ name: 'email-search', role_descriptors: DESCRIPTORS });
    const doc2 = await reviewProject(ports({ live: noKey }).ports, {
      ...request,
      templates: [{ template: noProbes, file: 'roles/email-search.json' }],
    });
    expect(doc2.identities[0]!.live).toEqual({ ran: false, reason: 'the template declares no probes' });
  });

  it('without an admin connection the cluster section carries the reason and nothing is asked', async () => {
    const doc = await reviewProject(
      ports({ openAdminCluster: async () => ({ unavailable: 'not asked (--offline)' }) }).ports,
      request,
    );
    expect(doc.identities[0]!.cluster).toEqual({ available: false, reason: 'not asked (--offline)' });
  });
});

describe('recordSignOff', () => {
  it('appends one review.completed per identity with the reviewer, actor and digest', async () => {
    const events: AuditEvent[] = [];
    const identity = (name: string) => ({
      template: name,
      environment: 'prod',
      decision: 'approved',
      findings: [],
      cluster: { available: false, reason: 'x' },
    });
    const doc = {
      environment: 'prod',
      decision: 'approved',
      identities: [identity('a'), identity('b')],
    } as unknown as ReviewDocument;
    await recordSignOff({ append: async (e) => void events.push(e) }, doc, {
      reviewer: 'Jane Doe',
      actor: 'bob@host',
      documentSha256: 'ab'.repeat(32),
    });
    expect(events.map((e) => [e.type, e.template, e.environment, e.actor])).toEqual([
      ['review.completed', 'a', 'prod', 'bob@host'],
      ['review.completed', 'b', 'prod', 'bob@host'],
    ]);
    expect(events[0]?.details).toMatchObject({ reviewer: 'Jane Doe', document_sha256: 'ab'.repeat(32) });
  });
});
