import { probeOperation } from '../probes/catalogue.js';
import type { ProbeSpec, RoleTemplate } from '../templates/schema.js';
import { type OperationAccess, operationAccess } from './analyze.js';

/** A probe in one shape: operation id and optional explicit index. */
export interface NormalizedProbe {
  readonly op: string;
  readonly index?: string;
}

/** `"doc.get"` and `{ "op": "doc.get" }` are the same probe. */
export function normalizeProbe(spec: ProbeSpec): NormalizedProbe {
  return typeof spec === 'string'
    ? { op: spec }
    : spec.index
      ? { op: spec.op, index: spec.index }
      : { op: spec.op };
}

/** What the template's own privileges say about one of its probes. */
export interface ProbeExpectationCheck {
  readonly expect: 'allow' | 'deny';
  readonly probe: NormalizedProbe;
  /** JSON pointer of the probe in the template. */
  readonly path: string;
  /** The concrete index the verdict is about, when there is one. */
  readonly index?: string;
  readonly access: OperationAccess;
  /** The privileges agree with the expectation (an allow probe is granted, a deny probe is not). */
  readonly consistent: boolean;
}

/**
 * Evaluates every probe with a known operation against the template's privileges. An allow
 * probe targets its own `index`, else `probes.index`, else any pattern; a deny probe targets
 * its own `index`, else every pattern: live deny probes aim at fresh names matching the
 * patterns, so a grant on any of them is a grant the probe would (or should) catch.
 */
export function checkProbeExpectations(
  template: Pick<RoleTemplate, 'role_descriptors' | 'probes'>,
): ProbeExpectationCheck[] {
  const out: ProbeExpectationCheck[] = [];
  for (const expect of ['allow', 'deny'] as const) {
    template.probes[expect].forEach((spec, i) => {
      const probe = normalizeProbe(spec);
      const op = probeOperation(probe.op);
      if (!op) return;
      const index =
        op.scope === 'index'
          ? (probe.index ?? (expect === 'allow' ? template.probes.index : undefined))
          : undefined;
      const access = operationAccess(template, op, index);
      out.push({
        expect,
        probe,
        path: `/probes/${expect}/${i}`,
        ...(index !== undefined ? { index } : {}),
        access,
        consistent: expect === 'allow' ? access.allowed : !access.allowed,
      });
    });
  }
  return out;
}

/** The probe expectation for an operation: allow, deny or none (first listing wins). */
export function expectationOf(
  template: Pick<RoleTemplate, 'probes'>,
  opId: string,
): 'allow' | 'deny' | undefined {
  if (template.probes.allow.some((p) => normalizeProbe(p).op === opId)) return 'allow';
  if (template.probes.deny.some((p) => normalizeProbe(p).op === opId)) return 'deny';
  return undefined;
}
