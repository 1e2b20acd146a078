import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './rotate-support.js';

describe('npm start (scripts/demo.mjs)', () => {
  it('rotates the shipped template twice on the sandbox, shows matrix, masked diff and the old key end; prints no secret', async () => {
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'scripts/demo.mjs')], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '' },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/permission matrix \(20 probes, all passed\)/);
    expect(r.out).toMatch(/doc\.delete\s+gmail_emails-eskeys-probe\s+deny\s+403 security_exception/);
    expect(r.out).toMatch(/-ELASTICSEARCH_API_KEY=\*\*\*\*…\(60 chars\)/);
    expect(r.out).toMatch(/old key email-search@default#1 \(…[\w-]{4}\) superseded; valid until \S+Z/);
    expect(r.out).toMatch(/superseded until/);
    expect(r.out).toMatch(/no secret printed \(self-checked\)/);
    expect(r.out).toMatch(/✓ template email-search +the admin holds all 8 privileges the template delegates/);
    expect(r.out).toMatch(/email-search@default +up to date \(next rotation in \d+d/);
    expect(r.out).toMatch(/email-search@default#2 active +- +cluster: monitor/);
    // No long base64 token (an encoded key is 60+ characters) anywhere in the output; table rules
    // (runs of dashes) are not tokens.
    const tokens = r.out.match(/[A-Za-z0-9+/_-]{40,}={0,2}/g) ?? [];
    expect(tokens.filter((t) => /[A-Za-z0-9]/.test(t))).toEqual([]);
  }, 60_000);
});
