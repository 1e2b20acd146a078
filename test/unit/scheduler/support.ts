import type { ManagedKey } from '../../../src/core/rotation/key-metadata.js';
import { templateHash } from '../../../src/core/rotation/template-hash.js';
import { type RoleTemplate, RoleTemplateSchema } from '../../../src/core/templates/schema.js';

/** The instant every scheduler unit test looks from. */
export const NOW = new Date('2026-06-01T00:00:00Z');
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** `n` days before NOW. */
export const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

/** The test template: read + index on app-*, rotation policy overridable. */
export function template(
  rotation: Partial<RoleTemplate['rotation']> = {},
  cluster = ['monitor'],
): RoleTemplate {
  return RoleTemplateSchema.parse({
    name: 'app',
    role_descriptors: { app: { cluster, indices: [{ names: ['app-*'], privileges: ['read', 'index'] }] } },
    rotation: { every: '90d', grace: '24h', review: '30d', ...rotation },
  });
}

/** The hash of the template's descriptors (what a key minted from it records). */
export const hashOf = (t: RoleTemplate) => templateHash(t.role_descriptors);

let seq = 0;

/** A managed key of app@prod as the cluster would report it. */
export function key(opts: {
  generation?: number;
  state?: 'active' | 'pending' | 'superseded';
  created: Date;
  expires?: Date | null;
  invalidated?: boolean;
  rotateEvery?: string;
  reviewEvery?: string;
  revokeAfter?: Date;
  hash?: string;
  descriptors?: Record<string, unknown>;
  createdBy?: string;
  template?: string;
}): ManagedKey {
  const generation = opts.generation ?? 1;
  const t = opts.template ?? 'app';
  const base = template();
  return {
    info: {
      id: `key${++seq}`.padEnd(20, 'x'),
      name: `${t}@prod#${generation}`,
      creation: opts.created,
      expiration:
        opts.expires === null ? undefined : (opts.expires ?? new Date(opts.created.getTime() + 101 * DAY)),
      invalidated: opts.invalidated ?? false,
      username: 'eskeys-admin',
      realm: 'native1',
      metadata: {},
      roleDescriptors: (opts.descriptors ?? base.role_descriptors) as never,
    },
    meta: {
      managed_by: 'eskeys',
      template: t,
      environment: 'prod',
      template_hash: opts.hash ?? hashOf(base),
      generation,
      created_by: opts.createdBy ?? 'ops@host1',
      rotation_id: `r${seq}`,
      state: opts.state ?? 'active',
      rotate_every: opts.rotateEvery ?? '90d',
      grace: '24h',
      review_every: opts.reviewEvery ?? '30d',
      revoke_after: opts.revokeAfter?.toISOString(),
    },
  };
}
