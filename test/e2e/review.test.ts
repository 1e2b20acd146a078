import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  envValue,
  makeProject,
  readProjectFile,
  runCli,
  useRotationSandbox,
  writeTemplate,
} from './rotate-support.js';

const sb = useRotationSandbox();

const freshEnv = () => `r${Math.random().toString(36).slice(2, 8)}`;

/** A project with the shipped email-search template and the `write` one, and an environment. */
function project(env: string): string {
  const dir = makeProject(sb, {
    files: { '.env': 'PORT=8080\n', 'eskeys.config.json': { environments: { [env]: {} } } },
  });
  // Its own variable in .env: two templates never write one variable of one env file.
  writeTemplate(dir, 'test/fixtures/probes/email-search-write.json', {
    outputs: { env_files: ['.env'], key_var: 'WRITER_ES_API_KEY' },
  });
  return dir;
}

/** A project whose email-search key was minted and published by `eskeys create`. */
async function projectWithKey(env: string): Promise<string> {
  const dir = project(env);
  const create = await runCli(['create', '-t', 'email-search', '--env', env], dir);
  expect(create.code, create.stderr).toBe(0);
  return dir;
}

/** A request to the sandbox as the given user (basic auth), as a key's owner would send it. */
async function asUser(user: string, password: string, method: string, path: string, body?: unknown) {
  const res = await fetch(sb.sandbox.url + path, {
    method,
    headers: {
      authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64'),
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The id of the identity's active key, from `eskeys status --json`. */
async function activeKeyId(dir: string, env: string): Promise<string> {
  const st = await runCli(['status', '--env', env, '--json'], dir);
  expect(st.code, st.stderr).toBe(0);
  const keys = JSON.parse(st.stdout).keys as { id: string; state: string }[];
  const active = keys.filter((k) => k.state === 'active');
  expect(active).toHaveLength(1);
  return active[0]!.id;
}

interface ReviewKeyJson {
  name: string;
  state: string;
  owner: { username: string; realm: string | null };
  live_privileges: string;
}

interface ReviewJson {
  kind: string;
  decision: string;
  counts: { critical: number; high: number; medium: number };
  signed_off_by: string | null;
  identities: {
    template: string;
    environment: string;
    env_files: string[];
    key_var: string;
    required: { op: string; action: string; granted: boolean; granted_by: string[] }[];
    not_required: { op: string; action: string; needs: string[]; granted: boolean }[];
    enforcement: { deny_probes: number; rotation_every: string; review_every: string; statements: string[] };
    evidence: {
      audit: {
        status: string;
        last_verified: { actor: string; time: string; key_id: string } | null;
        last_rotation: { actor: string } | null;
        last_review: { summary: string; actor: string } | null;
      };
      live: null | {
        ran: boolean;
        reason?: string;
        ran_at?: string;
        cluster_url?: string;
        key_id?: string;
        passed?: boolean;
        results?: { probe: string; verdict: string; mode: string }[];
      };
    };
    cluster: {
      available: boolean;
      reason?: string;
      active: ({ name: string; id: string } & Partial<ReviewKeyJson>) | null;
      template_matches: boolean | null;
      admin?: { username: string; realm: string | null } | null;
      keys?: ReviewKeyJson[];
    };
    review_schedule: { due_at: string | null; basis: string | null; due: boolean };
    findings: { severity: string; code: string; message: string; remedy: string }[];
    decision: string;
    required_changes: string[];
    follow_ups: string[];
  }[];
}

describe('eskeys review (built CLI against the sandbox)', { timeout: 120_000 }, () => {
  it('after `eskeys create`: Markdown with the key in the cluster and the verification from the audit log; approved', async () => {
    const env = freshEnv();
    const dir = await projectWithKey(env);
    const r = await runCli(['review', '-t', 'email-search', '--env', env], dir);
    expect(r.code, r.stderr).toBe(0);
    const md = r.stdout;
    expect(md).toMatch(new RegExp(`^# Least-privilege review: environment \`${env}\``));
    expect(md).toContain('| Decision | **approved** |');
    expect(md).toContain(`## email-search@${env}`);
    // Access required and explicitly not required, explained per Elasticsearch action.
    expect(md).toMatch(
      /\| index a document .*`indices:data\/write\/index:op_type\/index` .* `index` on `gmail_emails-\*` \|/,
    );
    expect(md).toMatch(
      /\| delete a document \(`doc.delete`\) \| `indices:data\/write\/delete` \| `delete`, `write` or `all` \| no \|/,
    );
    // Evidence: the verification and the rotation the create recorded (who/where and when).
    expect(md).toMatch(
      /\| last verification \(`key.verified`\) \| \d{4}-\d\d-\d\dT[\d:]+Z \| [^|]+@[^|]+ \| …[\w-]{4} \| email-search@\S+#1 passed 20 probes/,
    );
    expect(md).toMatch(/\| last rotation \(`rotation.completed`\) \| \d{4}-/);
    expect(md).toContain('hash chain intact');
    // Cluster state: the active key, minted from this version of the template.
    expect(md).toMatch(new RegExp(`\\| email-search@${env}#1 \\| \`…[\\w-]{4}\` \\| active \\|`));
    expect(md).toContain('was minted from this version of the template');
    expect(md).toContain('Live probe run: not requested');
    // Enforcement as it holds on this cluster (the sandbox is 8.19: expiration updates exist);
    // CI verification is expected, not claimed.
    expect(md).toContain('then the cluster ends it (its expiration is shortened to the end of the grace)');
    expect(md).toMatch(/expected to be checked in CI by `eskeys verify --template email-search --env /);
    expect(md).toMatch(/### Findings\n\nNone\./);
    expect(md).toContain('Reviewer: ____');
    expect(md).not.toContain(ADMIN_PASSWORD);
  });

  it('--live --format json: probes the deployed key now and embeds the results with time and cluster URL', async () => {
    const env = freshEnv();
    const dir = await projectWithKey(env);
    const key = envValue(readProjectFile(dir, '.env'), 'ELASTICSEARCH_API_KEY')!;
    const r = await runCli(['review', '-t', 'email-search', '--env', env, '--live', '--format', 'json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as ReviewJson;
    expect(doc.kind).toBe('eskeys.review');
    expect(doc.decision).toBe('approved');
    expect(doc.counts).toEqual({ critical: 0, high: 0, medium: 0 });
    const [id] = doc.identities;
    expect(id!.template).toBe('email-search');
    expect(id!.environment).toBe(env);
    expect(id!.env_files).toEqual(['.env']);
    expect(id!.key_var).toBe('ELASTICSEARCH_API_KEY');
    expect(id!.required.every((x) => x.granted)).toBe(true);
    expect(id!.not_required.find((x) => x.op === 'doc.delete')).toMatchObject({
      action: 'indices:data/write/delete',
      needs: ['delete', 'write', 'all'],
      granted: false,
    });
    expect(id!.enforcement).toMatchObject({ deny_probes: 8, rotation_every: '90d', review_every: '30d' });
    const live = id!.evidence.live!;
    expect(live.ran).toBe(true);
    expect(live.passed).toBe(true);
    expect(live.cluster_url).toBe(sb.url);
    expect(Date.parse(live.ran_at!)).not.toBeNaN();
    expect(live.results).toHaveLength(20);
    expect(live.results!.filter((x) => x.probe.startsWith('deny ')).every((x) => x.verdict === 'pass')).toBe(
      true,
    );
    // The probed key is the active one in the cluster (ids masked in the document).
    expect(live.key_id).toBe(id!.cluster.active!.id);
    expect(live.key_id).toMatch(/^…[\w-]{4}$/);
    expect(id!.cluster.template_matches).toBe(true);
    expect(id!.findings).toEqual([]);
    expect(id!.follow_ups).toEqual([]);
    // The key went over the wire as the probes' credential, never into the document.
    expect(sb.requests.some((q) => q.asApiKey)).toBe(true);
    expect(r.stdout).not.toContain(key);
  });

  it('a template granting `write` gives "changes required" (exit 1); live, the deny probe that was not refused is critical', async () => {
    const env = freshEnv();
    const dir = project(env);
    // Offline: lint alone makes it a required change.
    const offline = await runCli(['review', '-t', 'email-search-write', '--env', env, '--offline'], dir);
    expect(offline.code).toBe(1);
    expect(offline.stdout).toContain('| Decision | **changes required** |');
    expect(offline.stdout).toMatch(
      /\| \*\*high\*\* \| index privilege "write" on gmail_emails-\* also grants document delete .*\(`lint\/write-includes-delete` at `[^`]+`\)/,
    );
    expect(offline.stdout).toMatch(
      /\| delete a document \(`doc.delete`\) .* \| \*\*YES\*\*: `write` on `gmail_emails-\*` \|/,
    );
    expect(offline.stderr).toMatch(
      /^eskeys: review of 1 identity in \S+: changes required \(0 critical, \d+ high, \d+ medium\)\n$/,
    );

    // A key with those privileges minted behind eskeys' back and deployed in .env.
    const write = JSON.parse(readFileSync(join(dir, 'roles/email-search-write.json'), 'utf8'));
    const minted = await sb.admin('POST', '/_security/api_key', {
      name: 'hand-made',
      role_descriptors: write.role_descriptors,
    });
    expect(minted.status).toBe(200);
    const { encoded, api_key } = minted.body as { encoded: string; api_key: string };
    sb.secrets.push(encoded, api_key);
    const withKey = project(env);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(withKey, '.env'), `WRITER_ES_API_KEY=${encoded}\n`);
    const r = await runCli(['review', '-t', 'email-search-write', '--env', env, '--live', '--json'], withKey);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as ReviewJson;
    expect(doc.decision).toBe('changes_required');
    const id = doc.identities[0]!;
    const critical = id.findings.filter((f) => f.severity === 'critical');
    expect(critical.map((f) => f.code)).toContain('probes/deny-allowed');
    expect(critical.find((f) => f.message.startsWith('deny doc.delete'))?.message).toMatch(
      /NOT refused .*indices:data\/write\/delete.*granted by `write`/,
    );
    expect(id.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(['lint/write-includes-delete', 'probes/deployed-unmanaged']),
    );
    expect(id.required_changes.length).toBeGreaterThan(0);
    expect(doc.counts.critical).toBe(critical.length);
    expect(r.stdout + r.stderr).not.toContain(encoded);
    expect(r.stdout + r.stderr).not.toContain(api_key);
  });

  it('--sign-off records review.completed (template, environment, decision, counts); audit verify still passes; the next review shows it', async () => {
    const env = freshEnv();
    const dir = await projectWithKey(env);
    const r = await runCli(
      ['review', '-t', 'email-search', '--env', env, '--sign-off', 'Jane Reviewer', '--out', 'review.md'],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `review of 1 identity in ${env}: approved (0 critical, 0 high, 0 medium); wrote markdown document to review.md\n`,
    );
    expect(r.stderr).toMatch(/signed off by Jane Reviewer: 1 review.completed event in .eskeys\/audit.jsonl/);
    const md = readProjectFile(dir, 'review.md');
    expect(md).toContain(
      '| Signed off by | Jane Reviewer (recorded as `review.completed` in the audit log) |',
    );
    expect(md).toContain('Signed off by **Jane Reviewer**');
    expect(statSync(join(dir, 'review.md')).mode & 0o777).toBe(0o644);
    for (const secret of sb.secrets) expect(md.includes(secret)).toBe(false);
    expect(md).not.toContain(ADMIN_PASSWORD);

    const verify = await runCli(['audit', 'verify'], dir);
    expect(verify.code, verify.stderr).toBe(0);
    const show = await runCli(['audit', 'show', '--json'], dir);
    const entries = JSON.parse(show.stdout).entries as { time: string; event: Record<string, unknown> }[];
    const review = entries.at(-1)!;
    expect(review.event).toMatchObject({
      type: 'review.completed',
      template: 'email-search',
      environment: env,
      details: {
        reviewer: 'Jane Reviewer',
        decision: 'approved',
        document_decision: 'approved',
        findings: { critical: 0, high: 0, medium: 0 },
        live: false,
      },
    });
    expect(review.event.actor).toMatch(/@/);
    expect(typeof review.event.keyId).toBe('string');
    const { createHash } = await import('node:crypto');
    expect((review.event.details as { document_sha256: string }).document_sha256).toBe(
      createHash('sha256').update(md).digest('hex'),
    );

    const again = await runCli(['review', '-t', 'email-search', '--env', env, '--json'], dir);
    expect(again.code, again.stderr).toBe(0);
    const id = (JSON.parse(again.stdout) as ReviewJson).identities[0]!;
    expect(id.evidence.audit.last_review).toMatchObject({ summary: 'approved by Jane Reviewer' });
    expect(id.review_schedule.basis).toBe('last_review');
    expect(Date.parse(id.review_schedule.due_at!) - Date.parse(review.time)).toBe(30 * 86_400_000);
    expect(id.review_schedule.due).toBe(false);
  });

  it('a key its owner widened after `eskeys create` (PUT /_security/api_key/{id}: cluster all, all on *) is not approved; the sign-off records "changes required"', async () => {
    const env = freshEnv();
    const dir = await projectWithKey(env);
    const id = await activeKeyId(dir, env);
    const update = await asUser(ADMIN_USER, ADMIN_PASSWORD, 'PUT', `/_security/api_key/${id}`, {
      role_descriptors: {
        'email-search': { cluster: ['all'], indices: [{ names: ['*'], privileges: ['all'] }] },
      },
    });
    expect(update.status, JSON.stringify(update.body)).toBe(200);
    expect(update.body.updated).toBe(true);

    const r = await runCli(
      [
        'review',
        '-t',
        'email-search',
        '--env',
        env,
        '--json',
        '--sign-off',
        'Jane Reviewer',
        '--out',
        'review.json',
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(readProjectFile(dir, 'review.json')) as ReviewJson;
    expect(doc.decision).toBe('changes_required');
    const idy = doc.identities[0]!;
    expect(idy.cluster.template_matches).toBe(false);
    expect(idy.cluster.active).toMatchObject({ live_privileges: 'differ', owner: { username: ADMIN_USER } });
    const found = idy.findings.map((f) => `${f.severity} ${f.code}`);
    expect(found).toEqual(
      expect.arrayContaining(['critical key-lint/grant-all', 'high cluster/privileges-changed']),
    );
    expect(idy.findings.find((f) => f.code === 'cluster/privileges-changed')!.message).toMatch(
      /the key's live privileges differ from its template/,
    );
    expect(idy.findings.find((f) => f.code === 'key-lint/grant-all')!.message).toMatch(/"all"/);

    const md = await runCli(['review', '-t', 'email-search', '--env', env], dir);
    expect(md.code).toBe(1);
    expect(md.stdout).not.toContain('was minted from this version of the template');
    expect(md.stdout).toContain('**live privileges differ from its template**');

    const show = await runCli(['audit', 'show', '--json'], dir);
    const last = (JSON.parse(show.stdout).entries as { event: Record<string, unknown> }[]).at(-1)!;
    expect(last.event).toMatchObject({ type: 'review.completed', details: { decision: 'changes_required' } });
  });

  it('a forged managed-looking key (another user, manage_own_api_key only, no role descriptors) is shown with its owner and flagged', async () => {
    const env = freshEnv();
    const dir = await projectWithKey(env);
    const realId = await activeKeyId(dir, env);
    const real = await sb.admin('GET', `/_security/api_key?id=${realId}`);
    const realMeta = (real.body as { api_keys: { metadata: Record<string, unknown> }[] }).api_keys[0]!
      .metadata;
    expect(
      (await sb.admin('PUT', '/_security/role/own-keys-only', { cluster: ['manage_own_api_key'] })).status,
    ).toBe(200);
    expect(
      (
        await sb.admin('PUT', '/_security/user/mallory', {
          password: 'mallory-password-1',
          roles: ['own-keys-only'],
        })
      ).status,
    ).toBe(200);
    const forged = await asUser('mallory', 'mallory-password-1', 'POST', '/_security/api_key', {
      name: `email-search@${env}#2`,
      metadata: {
        ...realMeta,
        generation: 2,
        state: 'active',
        created_by: 'ops@build-1',
        rotation_id: 'r-forged',
      },
    });
    expect(forged.status, JSON.stringify(forged.body)).toBe(200);
    sb.secrets.push(String(forged.body.encoded), String(forged.body.api_key));

    const r = await runCli(['review', '-t', 'email-search', '--env', env, '--json'], dir);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as ReviewJson;
    expect(doc.decision).toBe('changes_required');
    const idy = doc.identities[0]!;
    expect(idy.cluster.admin).toMatchObject({ username: ADMIN_USER });
    const byName = new Map(idy.cluster.keys!.map((k) => [k.name, k]));
    expect(byName.get(`email-search@${env}#2`)).toMatchObject({
      state: 'active',
      owner: { username: 'mallory' },
      live_privileges: 'none',
    });
    expect(byName.get(`email-search@${env}#1`)).toMatchObject({
      owner: { username: ADMIN_USER },
      live_privileges: 'match',
    });
    const found = idy.findings.map((f) => `${f.severity} ${f.code}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'critical cluster/no-role-descriptors',
        'high cluster/foreign-owner',
        'high cluster/several-active',
      ]),
    );
    expect(idy.findings.find((f) => f.code === 'cluster/foreign-owner')!.message).toMatch(
      new RegExp(`email-search@${env}#2 belongs to mallory .*not to ${ADMIN_USER}`),
    );
    const md = await runCli(['review', '-t', 'email-search', '--env', env], dir);
    expect(md.stdout).toMatch(
      new RegExp(
        `\\| email-search@${env}#2 \\| .* \\| active \\| \\*\\*mallory \\(realm [^)]+\\)\\*\\* \\(not the admin\\) \\|`,
      ),
    );
    expect(md.stdout).toContain(`Connected as ${ADMIN_USER} (realm`);
  });

  it('no key deployed and no evidence: approved with follow-ups that become CI jobs (verify and diff)', async () => {
    const env = freshEnv();
    const dir = project(env);
    const r = await runCli(['review', '-t', 'email-search', '--env', env, '--live', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as ReviewJson;
    expect(doc.decision).toBe('approved_with_follow_ups');
    const id = doc.identities[0]!;
    expect(id.evidence.live).toMatchObject({ ran: false });
    expect(id.evidence.live!.reason).toMatch(/ELASTICSEARCH_API_KEY/);
    expect(id.cluster).toMatchObject({ available: true, active: null });
    expect(id.findings.map((f) => [f.severity, f.code])).toEqual([
      ['medium', 'probes/not-run'],
      ['medium', 'evidence/none-in-period'],
      ['medium', 'cluster/no-active-key'],
    ]);
    expect(id.follow_ups).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^add `eskeys verify --template email-search --env \S+ --format junit` as a CI job/,
        ),
        expect.stringMatching(/^add `eskeys diff roles\/email-search.json --git main` to pull-request CI/),
      ]),
    );
  });

  it('bad usage exits 2; an unreachable configured cluster exits 3 with one line', async () => {
    const env = freshEnv();
    const dir = project(env);
    const both = await runCli(['review', '--live', '--offline'], dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('eskeys: --live needs the cluster; drop --offline\n');
    const unknownEnv = await runCli(['review', '--env', 'nope', '--offline'], dir);
    expect(unknownEnv.code).toBe(2);
    expect(unknownEnv.stderr).toMatch(/^eskeys: unknown environment "nope"/);
    const down = await runCli(['review', '-t', 'email-search', '--env', env], dir, {
      ESKEYS_URL: 'http://127.0.0.1:1',
    });
    expect(down.code).toBe(3);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stdout).toBe('');
  });
});
