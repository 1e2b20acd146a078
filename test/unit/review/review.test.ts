import { describe, expect, it } from 'vitest';
import { nextAuditEntry, verifyAuditChain } from '../../../src/core/audit/audit-event.js';
import { reviewCompletedEvent, reviewDocument } from '../../../src/core/review/build-review.js';
import { decide, lintToReviewSeverity, worstDecision } from '../../../src/core/review/findings.js';
import type { ReviewDecision } from '../../../src/core/review/types.js';
import {
  auditLog,
  DAY,
  live,
  managedKey,
  NOW,
  repoTemplate,
  result,
  review,
  template,
  verifiedAgo,
} from './support.js';

const emailSearch = repoTemplate('roles/email-search.json');
const withWrite = repoTemplate('test/fixtures/probes/email-search-write.json');
const recent = () => auditLog([verifiedAgo(emailSearch, 2 * DAY)]);
const codes = (r: { findings: readonly { severity: string; code: string }[] }) =>
  r.findings.map((f) => `${f.severity} ${f.code}`);

describe('the decision rule', () => {
  it.each([
    { name: 'no findings', counts: { critical: 0, high: 0, medium: 0 }, decision: 'approved' },
    { name: 'one medium', counts: { critical: 0, high: 0, medium: 1 }, decision: 'approved_with_follow_ups' },
    { name: 'one high', counts: { critical: 0, high: 1, medium: 0 }, decision: 'changes_required' },
    { name: 'one critical', counts: { critical: 1, high: 0, medium: 3 }, decision: 'changes_required' },
  ])('$name → $decision', ({ counts, decision }) => {
    expect(decide(counts)).toBe(decision);
  });

  it.each([
    { decisions: [], worst: 'approved' },
    { decisions: ['approved', 'approved'], worst: 'approved' },
    { decisions: ['approved', 'approved_with_follow_ups'], worst: 'approved_with_follow_ups' },
    { decisions: ['changes_required', 'approved_with_follow_ups', 'approved'], worst: 'changes_required' },
  ] as { decisions: ReviewDecision[]; worst: ReviewDecision }[])(
    'the document takes the worst of $decisions',
    ({ decisions, worst }) => {
      expect(worstDecision(decisions)).toBe(worst);
    },
  );

  it.each([
    ['error', 'high'],
    ['warning', 'medium'],
    ['info', undefined],
  ] as const)('lint %s → %s', (lint, review) => {
    expect(lintToReviewSeverity(lint)).toBe(review);
  });
});

describe('review of one identity', () => {
  it('the shipped email-search template with a recent verification and its key in the cluster: approved, no findings', () => {
    const r = review(emailSearch, {
      audit: recent(),
      cluster: { available: true, keys: [managedKey(emailSearch, 'prod')] },
    });
    expect(r.findings).toEqual([]);
    expect(r.decision).toBe('approved');
    expect(r.requiredChanges).toEqual([]);
    expect(r.followUps).toEqual([]);
    expect(r.required.map((x) => x.op)).toEqual(emailSearch.probes.allow);
    expect(r.notRequired.find((x) => x.op === 'doc.delete')).toMatchObject({
      action: 'indices:data/write/delete',
      needs: ['delete', 'write', 'all'],
      granted: false,
    });
    expect(r.required.find((x) => x.op === 'doc.index')).toMatchObject({
      granted: true,
      grantedBy: ['index'],
      patterns: ['gmail_emails-*'],
      index: 'gmail_emails-eskeys-probe',
    });
    expect(r.audit.lastVerified).toMatchObject({ actor: 'ops@build-1', keyId: '…ijkl' });
    expect(r.cluster).toMatchObject({ available: true, templateMatches: true });
  });

  it('a template granting `write` (which deletes documents): lint errors are high, changes required', () => {
    const r = review(withWrite, { audit: auditLog([verifiedAgo(withWrite, DAY)]) });
    expect(codes(r)).toEqual([
      'high lint/write-includes-delete',
      'high lint/deny-probe-allowed',
      'high lint/deny-probe-allowed',
    ]);
    expect(r.decision).toBe('changes_required');
    expect(r.notRequired.find((x) => x.op === 'doc.delete')).toMatchObject({
      granted: true,
      grantedBy: ['write'],
    });
    // Each remedy once, in severity order.
    expect(r.requiredChanges).toHaveLength(2);
  });

  it('lint warnings are medium; lint info is not a finding; lint.ignore is shown as an accepted exception, not counted', () => {
    const t = template({
      name: 'retention',
      role_descriptors: {
        r: { indices: [{ names: ['logs-*'], privileges: ['read', 'delete_index'] }] },
      },
      probes: { allow: ['search', 'index.delete'], deny: ['doc.delete'] },
      lint: { ignore: ['grant-delete-index'] },
    });
    const r = review(t, { audit: auditLog([verifiedAgo(t, DAY)]) });
    expect(r.accepted.map((a) => a.rule)).toEqual(['grant-delete-index']);
    expect(r.findings.some((f) => f.code === 'lint/grant-delete-index')).toBe(false);
    expect(r.decision).toBe('approved');
  });

  it('a privilege no allow probe needs is a medium finding (least privilege), with its operations named', () => {
    const t = template({
      name: 'reader',
      role_descriptors: {
        r: {
          cluster: ['monitor'],
          indices: [{ names: ['logs-*'], privileges: ['read', 'view_index_metadata'] }],
        },
      },
      probes: { allow: ['cluster.health', 'search'], deny: ['doc.delete'] },
    });
    const r = review(t, { audit: auditLog([verifiedAgo(t, DAY)]) });
    expect(codes(r)).toEqual(['medium template/unjustified-grant']);
    expect(r.findings[0]!.message).toMatch(
      /`view_index_metadata` on logs-\* allows index.get_settings, index.get_mapping/,
    );
    expect(r.grants.find((g) => g.privilege === 'read')).toMatchObject({ justified: true });
    expect(r.decision).toBe('approved_with_follow_ups');
  });

  describe('live evidence', () => {
    it.each([
      {
        name: 'deny probe allowed',
        r: result('doc.delete', 'deny', 'fail'),
        finding: 'critical probes/deny-allowed',
      },
      {
        name: 'deny probe neither 403 nor allowed',
        r: result('doc.delete', 'deny', 'error', { got: '500' }),
        finding: 'high probes/deny-unproven',
      },
      {
        name: 'allow probe refused',
        r: result('search', 'allow', 'fail', { got: '403 security_exception' }),
        finding: 'high probes/allow-denied',
      },
      {
        name: 'allow probe error',
        r: result('search', 'allow', 'error', { got: '503' }),
        finding: 'medium probes/allow-error',
      },
    ])('$name → $finding', ({ r, finding }) => {
      const rev = review(emailSearch, { live: live([result('cluster.health', 'allow', 'pass'), r]) });
      expect(codes(rev)).toEqual([finding]);
    });

    it('a live run replaces the audit log as evidence (no "no evidence" finding even without a log)', () => {
      const rev = review(emailSearch, { live: live([result('doc.delete', 'deny', 'pass')]) });
      expect(rev.findings).toEqual([]);
    });

    it('the deployed key must be the identity\u2019s active managed key', () => {
      const active = managedKey(emailSearch, 'prod', { id: 'active-key-0001', generation: 2 });
      const old = managedKey(emailSearch, 'prod', {
        id: 'old-key-0000001',
        generation: 1,
        state: 'superseded',
        revokeAfter: new Date(NOW.getTime() + DAY),
      });
      const cluster = { available: true as const, keys: [active, old] };
      const pass = [result('doc.delete', 'deny', 'pass')];
      expect(codes(review(emailSearch, { cluster, live: live(pass, 'active-key-0001') }))).toEqual([]);
      expect(codes(review(emailSearch, { cluster, live: live(pass, 'old-key-0000001') }))).toEqual([
        'medium probes/deployed-not-active',
      ]);
      const stranger = review(emailSearch, { cluster, live: live(pass, 'hand-made-key-01') });
      expect(codes(stranger)).toEqual(['high probes/deployed-unmanaged']);
      expect(stranger.findings[0]!.message).toContain('…y-01');
    });

    it('a deployed key the cluster rejects is high; no deployed key at all is medium', () => {
      expect(
        codes(
          review(emailSearch, {
            audit: recent(),
            live: { ran: false, reason: 'unauthorized', keyRejected: true },
          }),
        ),
      ).toEqual(['high probes/key-rejected']);
      expect(codes(review(emailSearch, { live: { ran: false, reason: 'no key in .env' } }))).toEqual([
        'medium probes/not-run',
        'medium evidence/none-in-period',
      ]);
    });

    it('a leftover of the probe run is medium', () => {
      const rev = review(emailSearch, {
        live: live([result('doc.delete', 'deny', 'pass')], undefined, {
          cleanup: { removed: [], leftovers: ['index gmail_emails-eskeys-probe-1a2b'] },
        }),
      });
      expect(codes(rev)).toEqual(['medium probes/leftover']);
    });
  });

  describe('audit evidence', () => {
    it.each([
      { name: 'verified 2 days ago', events: () => [verifiedAgo(emailSearch, 2 * DAY)], findings: [] },
      {
        name: 'verified 31 days ago (review period 30d)',
        events: () => [verifiedAgo(emailSearch, 31 * DAY)],
        findings: ['medium evidence/none-in-period'],
      },
      {
        name: 'only another environment was verified',
        events: () => [verifiedAgo(emailSearch, DAY, 'staging')],
        findings: ['medium evidence/none-in-period'],
      },
      {
        name: 'the last rotation failed verification after the last success',
        events: () => [
          verifiedAgo(emailSearch, 10 * DAY),
          {
            at: new Date(NOW.getTime() - DAY),
            event: {
              type: 'key.verify_failed',
              template: 'email-search',
              environment: 'prod',
              actor: 'cron@host',
              details: { failed: ['doc.delete (deny)'] },
            },
          },
        ],
        findings: ['medium audit/last-verify-failed'],
      },
    ])('$name', ({ events, findings }) => {
      expect(codes(review(emailSearch, { audit: auditLog(events()) }))).toEqual(findings);
    });

    it('no audit log and no live run: medium, and the follow-ups add verify and diff as CI jobs', () => {
      const r = review(emailSearch);
      expect(codes(r)).toEqual(['medium evidence/none-in-period']);
      expect(r.findings[0]!.message).toContain('there is no audit log');
      expect(r.decision).toBe('approved_with_follow_ups');
      expect(r.followUps).toEqual([
        'collect fresh evidence with `eskeys review --live`',
        expect.stringMatching(
          /^add `eskeys verify --template email-search --env prod --format junit` as a CI job/,
        ),
        expect.stringMatching(/^add `eskeys diff roles\/email-search.json --git main` to pull-request CI/),
      ]);
    });

    it('a broken hash chain is critical, and only entries before the break count as evidence', () => {
      const log = auditLog([verifiedAgo(emailSearch, 20 * DAY), verifiedAgo(emailSearch, DAY)]);
      const lines = log.text!.split('\n');
      lines[1] = lines[1]!.replace('"probes":20', '"probes":21');
      const text = lines.join('\n');
      const tampered = { ...log, text, verification: verifyAuditChain(text) };
      const r = review(emailSearch, { audit: tampered });
      expect(r.audit).toMatchObject({ status: 'broken', entries: 1, brokenAt: 2 });
      expect(r.audit.lastVerified?.seq).toBe(1);
      expect(codes(r)).toEqual(['critical audit/chain-broken']);
      expect(r.decision).toBe('changes_required');
    });
  });

  describe('cluster state', () => {
    it.each([
      {
        name: 'active key from another template version',
        keys: () => [managedKey(emailSearch, 'prod', { hash: 'sha256:old' })],
        findings: ['high cluster/template-drift'],
      },
      {
        name: 'active key older than rotation.every',
        keys: () => [managedKey(emailSearch, 'prod', { ageMs: 91 * DAY })],
        findings: ['medium cluster/rotation-overdue'],
      },
      {
        name: 'a superseded key past its grace',
        keys: () => [
          managedKey(emailSearch, 'prod', { generation: 2, id: 'k2-abcdefgh' }),
          managedKey(emailSearch, 'prod', {
            generation: 1,
            id: 'k1-abcdefgh',
            state: 'superseded',
            revokeAfter: new Date(NOW.getTime() - DAY),
          }),
        ],
        findings: ['medium cluster/revoke-due'],
      },
      {
        name: 'an interrupted rotation left a pending key',
        keys: () => [
          managedKey(emailSearch, 'prod', { generation: 1, id: 'k1-abcdefgh' }),
          managedKey(emailSearch, 'prod', { generation: 2, id: 'k2-abcdefgh', state: 'pending', ageMs: DAY }),
        ],
        findings: ['medium cluster/interrupted-rotation'],
      },
      {
        name: 'no key at all (keys of other identities ignored)',
        keys: () => [managedKey(emailSearch, 'staging'), managedKey(withWrite, 'prod')],
        findings: ['medium cluster/no-active-key'],
      },
    ])('$name', ({ keys, findings }) => {
      expect(
        codes(review(emailSearch, { audit: recent(), cluster: { available: true, keys: keys() } })),
      ).toEqual(findings);
    });

    it('a key whose live privileges were widened after it was minted (template_hash unchanged) is not approved', () => {
      const widened = managedKey(emailSearch, 'prod', {
        roleDescriptors: {
          'email-search': { cluster: ['all'], indices: [{ names: ['*'], privileges: ['all'] }] },
        },
      });
      const r = review(emailSearch, { audit: recent(), cluster: { available: true, keys: [widened] } });
      expect(r.cluster).toMatchObject({ available: true, templateMatches: false });
      expect(r.cluster.available && r.cluster.active?.privileges).toBe('differ');
      expect(codes(r)).toEqual(
        expect.arrayContaining([
          'critical key-lint/grant-all',
          'high cluster/privileges-changed',
          'high key-lint/deny-probe-allowed',
          'high key-lint/broad-pattern',
        ]),
      );
      expect(r.findings.find((f) => f.code === 'cluster/privileges-changed')?.message).toMatch(
        /the key's live privileges differ from its template/,
      );
      expect(codes(r).filter((c) => c === 'high key-lint/deny-probe-allowed')).toHaveLength(1);
      expect(codes(r)).not.toContain('high cluster/template-drift');
      expect(r.decision).toBe('changes_required');
    });

    it.each([
      // The mapping inventory uses too (docs/INVENTORY.md): write deletes documents (high);
      // manage_own_api_key reaches only the key itself (high); manage_api_key reaches every key (critical).
      [
        'write',
        { indices: [{ names: ['gmail_emails-*'], privileges: ['read', 'write'] }] },
        'high key-lint/write-includes-delete',
      ],
      [
        'manage_own_api_key alone',
        { cluster: ['manage_own_api_key'], indices: [{ names: ['gmail_emails-*'], privileges: ['read'] }] },
        'high key-lint/security-privilege-on-service-key',
      ],
      [
        'manage_api_key',
        { cluster: ['manage_api_key'], indices: [{ names: ['gmail_emails-*'], privileges: ['read'] }] },
        'critical key-lint/security-privilege-on-service-key',
      ],
    ])('a live key widened with %s gets the severity inventory gives it', (_name, descriptor, finding) => {
      const widened = managedKey(emailSearch, 'prod', { roleDescriptors: { 'email-search': descriptor } });
      const r = review(emailSearch, { audit: recent(), cluster: { available: true, keys: [widened] } });
      expect(codes(r)).toContain(finding);
    });

    it('the same descriptors as the cluster renders them (defaults, arrays) match the template', () => {
      const r = review(emailSearch, {
        audit: recent(),
        cluster: {
          available: true,
          keys: [managedKey(emailSearch, 'prod')],
          admin: { username: 'eskeys-admin' },
        },
      });
      expect(r.findings).toEqual([]);
      expect(r.cluster.available && r.cluster.active).toMatchObject({
        privileges: 'match',
        owner: { username: 'eskeys-admin', realm: 'native1' },
      });
    });

    it('a forged managed-looking key of another user, without descriptors, next to the real one: critical and high, shown with its owner', () => {
      const real = managedKey(emailSearch, 'prod', { generation: 1, id: 'real-abcdefgh' });
      const forged = managedKey(emailSearch, 'prod', {
        generation: 2,
        id: 'forged-abcdefgh',
        roleDescriptors: {},
        username: 'mallory',
        realm: 'default_native',
      });
      const admin = { username: 'eskeys-admin', realm: 'native1' };
      const r = review(emailSearch, {
        audit: recent(),
        cluster: { available: true, keys: [real, forged], admin },
      });
      expect(r.cluster.available && r.cluster.active).toMatchObject({
        name: 'email-search@prod#2',
        owner: { username: 'mallory', realm: 'default_native' },
        privileges: 'none',
      });
      expect(r.cluster).toMatchObject({ templateMatches: false, admin });
      expect(codes(r)).toEqual([
        'critical cluster/no-role-descriptors',
        'high cluster/foreign-owner',
        'high cluster/several-active',
      ]);
      expect(r.findings[1]!.message).toMatch(
        /belongs to mallory \(realm default_native\), not to eskeys-admin/,
      );
      expect(r.decision).toBe('changes_required');
      // Without a known admin, owners that differ among the identity's keys are flagged all the same.
      const noAdmin = review(emailSearch, {
        audit: recent(),
        cluster: { available: true, keys: [real, forged] },
      });
      expect(codes(noAdmin)).toContain('high cluster/foreign-owner');
    });

    it('review due: from the last signed-off review, else from the first trace (oldest audit event or key)', () => {
      const key = managedKey(emailSearch, 'prod', { ageMs: 40 * DAY });
      const cluster = { available: true as const, keys: [key] };
      const fromKey = review(emailSearch, { audit: recent(), cluster });
      expect(fromKey.schedule).toMatchObject({ basis: 'first_trace', due: true });
      expect(fromKey.schedule.dueAt).toEqual(new Date(NOW.getTime() - 10 * DAY));
      const signed = auditLog([
        verifiedAgo(emailSearch, 2 * DAY),
        {
          at: new Date(NOW.getTime() - 5 * DAY),
          event: {
            type: 'review.completed',
            template: 'email-search',
            environment: 'prod',
            actor: 'jane@laptop',
            details: { reviewer: 'Jane', decision: 'approved' },
          },
        },
      ]);
      const fromReview = review(emailSearch, { audit: signed, cluster });
      expect(fromReview.schedule).toMatchObject({ basis: 'last_review', due: false });
      expect(fromReview.schedule.dueAt).toEqual(new Date(NOW.getTime() + 25 * DAY));
      expect(fromReview.audit.lastReview).toMatchObject({
        summary: 'approved by Jane',
        actor: 'jane@laptop',
      });
    });

    it('a signed-off "changes required" review does not reset the review clock (the scheduler reads it the same way)', () => {
      const key = managedKey(emailSearch, 'prod', { ageMs: 40 * DAY });
      const signOff = (days: number, decision: string) => ({
        at: new Date(NOW.getTime() - days * DAY),
        event: {
          type: 'review.completed',
          template: 'email-search',
          environment: 'prod',
          actor: 'jane@laptop',
          details: { reviewer: 'Jane', decision },
        },
      });
      const cluster = { available: true as const, keys: [key] };
      const onlyRejected = review(emailSearch, {
        audit: auditLog([verifiedAgo(emailSearch, 2 * DAY), signOff(1, 'changes_required')]),
        cluster,
      });
      expect(onlyRejected.audit.lastReview).toMatchObject({ summary: 'changes required by Jane' });
      expect(onlyRejected.schedule).toMatchObject({ basis: 'first_trace', due: true });
      const approvedBefore = review(emailSearch, {
        audit: auditLog([
          signOff(20, 'approved_with_follow_ups'),
          verifiedAgo(emailSearch, 2 * DAY),
          signOff(1, 'changes_required'),
        ]),
        cluster,
      });
      expect(approvedBefore.schedule).toMatchObject({ basis: 'last_review', due: false });
      expect(approvedBefore.schedule.dueAt).toEqual(new Date(NOW.getTime() + 10 * DAY));
    });

    it('review period: the stricter of the template and the active key; a template-wide review covers every environment', () => {
      const key = managedKey(emailSearch, 'prod', { ageMs: 3 * DAY, reviewEvery: '7d' });
      const everywhere = auditLog([
        verifiedAgo(emailSearch, 2 * DAY),
        {
          at: new Date(NOW.getTime() - DAY),
          event: { type: 'review.completed', template: 'email-search', actor: 'jane@laptop', details: {} },
        },
      ]);
      const r = review(emailSearch, { audit: everywhere, cluster: { available: true, keys: [key] } });
      expect(r.schedule).toMatchObject({ reviewEvery: '7d', basis: 'last_review', due: false });
      expect(r.schedule.dueAt).toEqual(new Date(NOW.getTime() + 6 * DAY));
    });
  });

  it('enforcement states the deny probes, rotation, grace, review and the effective expiration', () => {
    const r = review(emailSearch, { audit: recent() });
    expect(r.enforcement).toMatchObject({
      allowProbes: 12,
      denyProbes: 8,
      rotationEvery: '90d',
      grace: '24h',
      reviewEvery: '30d',
      expiration: 'auto',
      keyLifetimeMs: 100 * DAY,
    });
    expect(r.enforcement.statements.join('\n')).toMatch(
      /8 deny probes gets 403.*eskeys verify --template email-search --env prod/,
    );
    const never = review(template({ ...emailSearch, expiration: 'none' }), { audit: recent() });
    expect(never.enforcement.statements.join('\n')).toContain('never expires');
    expect(codes(never)).toContain('high lint/no-expiration');
  });
});

describe('enforcement statements hold for the cluster reviewed', () => {
  const graceLine = (version: string | undefined, available = true) => {
    const cluster = available
      ? { available: true as const, keys: [managedKey(emailSearch, 'prod')], ...(version ? { version } : {}) }
      : { available: false as const, reason: 'not asked (--offline)' };
    return review(emailSearch, { audit: recent(), cluster }).enforcement.statements.find((x) =>
      x.startsWith('the key is rotated every'),
    )!;
  };

  it.each([
    { version: '8.19.3', ends: true },
    { version: '8.13.0', ends: true },
    { version: '9.1.4', ends: true },
    { version: '9.1.4 (serverless)', ends: true },
    { version: '8.12.2', ends: false },
    { version: '8.4.0', ends: false },
  ])('Elasticsearch $version: the cluster ends a superseded key itself: $ends', ({ version, ends }) => {
    const line = graceLine(version);
    if (ends) {
      expect(line).toMatch(/then the cluster ends it \(its expiration is shortened/);
    } else {
      expect(line).not.toMatch(/the cluster ends it/);
      expect(line).toContain(`Elasticsearch ${version} cannot shorten a key's expiration (8.13+)`);
      expect(line).toMatch(/`eskeys revoke --due`.* must invalidate it/);
    }
  });

  it('version unknown (offline, or GET / refused): the cluster ending the key is stated for 8.13+ only', () => {
    for (const line of [graceLine(undefined, false), graceLine(undefined)]) {
      expect(line).toContain('on Elasticsearch 8.13+ the cluster also ends it');
      expect(line).not.toMatch(/then the cluster ends it/);
    }
  });

  it('CI verification is stated as expected, not as done (eskeys verify records nothing in the audit log)', () => {
    const deny = review(emailSearch, { audit: recent() }).enforcement.statements[0]!;
    expect(deny).toMatch(
      /checked live before any new key is published \(create, rotate\); expected to be checked in CI by `eskeys verify --template email-search --env prod`/,
    );
    expect(deny).not.toMatch(/and by `eskeys verify/);
  });
});

describe('the document', () => {
  it('counts every identity\u2019s findings and takes the worst decision', () => {
    const ok = review(emailSearch, { audit: recent() });
    const bad = review(withWrite);
    const doc = reviewDocument([ok, bad], { generatedAt: NOW, environment: 'prod', generatedBy: 'me@host' });
    expect(doc.decision).toBe('changes_required');
    expect(doc.counts).toEqual({ critical: 0, high: 3, medium: 1 });
    expect(
      reviewDocument([ok], { generatedAt: NOW, environment: 'prod', generatedBy: 'me@host' }).decision,
    ).toBe('approved');
  });

  it('the sign-off event: template and environment at the top level, decision and counts in details; accepted by the audit log', () => {
    const ok = review(emailSearch, {
      audit: recent(),
      cluster: { available: true, keys: [managedKey(emailSearch, 'prod', { ageMs: 91 * DAY })] },
    });
    const doc = reviewDocument([ok], { generatedAt: NOW, environment: 'prod', generatedBy: 'me@host' });
    const event = reviewCompletedEvent(ok, doc, {
      reviewer: 'Jane Reviewer',
      actor: 'jane@laptop',
      documentSha256: 'ab'.repeat(32),
    });
    expect(event).toEqual({
      type: 'review.completed',
      template: 'email-search',
      environment: 'prod',
      keyId: 'key-1-abcdefghijkl',
      actor: 'jane@laptop',
      details: {
        reviewer: 'Jane Reviewer',
        decision: 'approved_with_follow_ups',
        findings: { critical: 0, high: 0, medium: 1 },
        document_decision: 'approved_with_follow_ups',
        template_hash: ok.templateHash,
        live: false,
        document_sha256: 'ab'.repeat(32),
      },
    });
    expect(() => nextAuditEntry(undefined, NOW, event)).not.toThrow();
  });
});
