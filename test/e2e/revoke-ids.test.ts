/**
 * `eskeys revoke --id` takes the id a table shows: the whole id, or a unique prefix or suffix of
 * at least 4 characters (tables show `…XWxG`, the last four). An ambiguous or unknown one is
 * exit 2 naming the candidates with their ids in full; nothing is revoked.
 */
import { describe, expect, it } from 'vitest';
import { HAS_PTY, runInTerminal, warnIfNoPty } from './pty-support.js';
import { ADMIN_USER, makeProject, runCli, statusKeys, useRotationSandbox } from './rotate-support.js';

const sb = useRotationSandbox();

warnIfNoPty('revoke-ids.test.ts');

function project() {
  const env = `v${Math.random().toString(36).slice(2, 8)}`;
  const dir = makeProject(sb, {
    files: { '.env': 'A=1\n', 'eskeys.config.json': { environments: { [env]: {} } } },
  });
  return { dir, env };
}

/** A random tag of 6 characters, so crafted ids never meet those of another test. */
const tag = () => Math.random().toString(36).slice(2, 8).padEnd(6, 'x');

/**
 * Managed keys of email-search@env with the given ids, superseded and past their grace (so
 * revoke acts on them without --force). The sandbox mints random ids; the test gives them ids
 * that share a prefix or suffix, which random ids would almost never do.
 */
async function seedManagedKeys(env: string, ids: readonly string[]): Promise<void> {
  const state = sb.sandbox.state;
  const seeded = await state.seedApiKeys({
    count: ids.length,
    owner: ADMIN_USER,
    namePrefix: `email-search@${env}#`,
    metadata: (i) => ({
      managed_by: 'eskeys',
      template: 'email-search',
      environment: env,
      generation: i + 1,
      state: 'superseded',
      rotate_every: '90d',
      grace: '24h',
      review_every: '30d',
      created_by: 'e2e@test',
      revoke_after: '2026-01-01T00:00:00.000Z',
    }),
  });
  seeded.ids.forEach((id, i) => {
    const record = state.apiKeys.get(id)!;
    state.apiKeys.remove(record);
    state.apiKeys.add({ ...record, id: ids[i]! });
  });
}

const invalidated = (id: string) => sb.sandbox.state.apiKeys.get(id)!.invalidated;

describe('eskeys revoke --id with part of an id', { timeout: 120_000 }, () => {
  it('the masked id a status table shows (…XWxG) revokes that key', async () => {
    const { dir, env } = project();
    expect((await runCli(['create', 'email-search', '--env', env], dir)).code).toBe(0);
    const rotated = await runCli(['rotate', 'email-search', '--env', env, '--grace', '1h'], dir);
    expect(rotated.code, rotated.stderr).toBe(0);
    const table = await runCli(['status', '--env', env], dir);
    const row = table.stdout.split('\n').find((l) => l.includes(`email-search@${env}#1`))!;
    const shown = /…(\S{4})\s/.exec(row)![1]!; // ids may end in - or _
    const old = (await statusKeys(dir)).find((k) => k.name === `email-search@${env}#1`)!;
    expect(old.id.endsWith(shown)).toBe(true);

    const r = await runCli(['revoke', '--id', shown, '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`revoked email-search@${env}#1 (…${shown})\n`);
    expect(invalidated(old.id)).toBe(true);
    expect((await statusKeys(dir)).find((k) => k.name === `email-search@${env}#2`)!.state).toBe('active');
  });

  it('a unique prefix revokes that key; --dry-run names it in full', async () => {
    const { dir, env } = project();
    const t = tag();
    const [a, b] = [`${t}prefixAAAAAAAA`, `Z${t}prefixBBBBBBB`]; // b neither starts nor ends with a's prefix
    await seedManagedKeys(env, [a, b]);
    const dry = await runCli(['revoke', '--id', a.slice(0, 8), '--dry-run', '--json'], dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).would_revoke.map((k: { id: string }) => k.id)).toEqual([a]);
    const r = await runCli(['revoke', '--id', a.slice(0, 8), '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(invalidated(a)).toBe(true);
    expect(invalidated(b)).toBe(false);
  });

  it('an ambiguous prefix or suffix is exit 2 listing every candidate in full, nothing revoked', async () => {
    const { dir, env } = project();
    const t = tag();
    // The first two share a prefix; the third's id ends with it.
    const ids = [`${t}ambigAAAAAAAAA`, `${t}ambigBBBBBBBBB`, `CCCCCCCCCCCCCC${t}`];
    await seedManagedKeys(env, ids);
    const r = await runCli(['revoke', '--id', t, '--yes'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^eskeys: --id ${t} matches 3 keys: `));
    for (const id of ids) expect(lines[0]).toContain(id);
    expect(lines[0]).toMatch(/give more of the id/);
    for (const id of ids) expect(invalidated(id)).toBe(false);
  });

  it('fewer than 4 characters that are no key’s whole id: exit 2, nothing revoked', async () => {
    const { dir, env } = project();
    const id = `${tag()}shortAAAAAAAAA`;
    await seedManagedKeys(env, [id]);
    const r = await runCli(['revoke', '--id', id.slice(0, 3), '--yes'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `eskeys: --id ${id.slice(0, 3)}: no key has this id, and part of an id needs at least 4 characters\n`,
    );
    expect(invalidated(id)).toBe(false);
  });

  it('the exact id wins over a key whose id ends with it', async () => {
    const { dir, env } = project();
    const exact = `${tag()}exactAAAAAAAAA`;
    const longer = `Q${exact}`;
    await seedManagedKeys(env, [exact, longer]);
    const r = await runCli(['revoke', '--id', exact, '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(invalidated(exact)).toBe(true);
    expect(invalidated(longer)).toBe(false);
  });

  it('part of an id matching no valid managed key: exit 2 in one line', async () => {
    const { dir, env } = project();
    const id = `${tag()}goneAAAAAAAAAA`;
    await seedManagedKeys(env, [id]);
    expect((await runCli(['revoke', '--id', id, '--yes'], dir)).code).toBe(0);
    // The key is invalidated now: part of its id names nothing revoke would act on.
    const r = await runCli(['revoke', '--id', id.slice(0, 10), '--yes'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `eskeys: --id ${id.slice(0, 10)}: no valid managed key has this id, or an id starting or ending with it (eskeys status lists them)\n`,
    );
  });
});

describe.skipIf(!HAS_PTY)('eskeys revoke in a terminal offers a picker', { timeout: 120_000 }, () => {
  it('nothing named: lists the valid managed keys (name, id, created, age, owner), revokes the one picked', async () => {
    const { dir, env } = project();
    const t = tag();
    const [older, newer] = [`${t}pickerAAAAAAAA`, `${t}pickerBBBBBBBB`];
    await seedManagedKeys(env, [older, newer]);
    const r = await runInTerminal(['revoke', '--env', env], dir, [
      ['Key to revoke', '\x1b[B'], // arrow down: the second key (the newer one)
      ['Invalidate 1 key(s)?', 'y'],
    ]);
    expect(r.unanswered).toEqual([]);
    expect(r.code, r.tty).toBe(0);
    // inquirer wraps choices at the terminal's width (80 columns here): compare them unwrapped.
    const shown = r.tty.replace(/\r?\n/g, '');
    expect(shown).toMatch(
      new RegExp(
        `email-search@${env}#0 {2}${older} {2}created \\S+Z \\(\\d+s ago\\) {2}owner ${ADMIN_USER} \\(default_native\\) {2}superseded`,
      ),
    );
    expect(shown).toContain(`email-search@${env}#1  ${newer}`);
    expect(r.stdout).toBe(`revoked email-search@${env}#1 (…${newer.slice(-4)})\n`);
    expect(invalidated(newer)).toBe(true);
    expect(invalidated(older)).toBe(false);
  });

  it('an ambiguous --id: the picker offers only the matching keys', async () => {
    const { dir, env } = project();
    const t = tag();
    const ids = [`${t}twinAAAAAAAAAA`, `${t}twinBBBBBBBBBB`, `${tag()}otherCCCCCCCCC`];
    await seedManagedKeys(env, ids);
    const r = await runInTerminal(['revoke', '--id', `${t}twin`], dir, [
      ['Key to revoke', ''], // Enter: the first (oldest) candidate
      ['Invalidate 1 key(s)?', 'y'],
    ]);
    expect(r.unanswered).toEqual([]);
    expect(r.code, r.tty).toBe(0);
    expect(r.tty).toContain(ids[1]);
    expect(r.tty).not.toContain(ids[2]);
    expect(invalidated(ids[0]!)).toBe(true);
    expect(invalidated(ids[1]!)).toBe(false);
  });
});
