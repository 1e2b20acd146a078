import { lintTemplate } from '../lint/index.js';
import { probeOperation } from '../probes/catalogue.js';
import { validateTemplate } from '../templates/load-template.js';
import { DEFAULT_KEY_VAR, type RoleTemplate } from '../templates/schema.js';
import { ALWAYS_DENIED, CAPABILITIES, type CapabilityId, DENIED_WITH_STREAMS } from './capabilities.js';

/** The answers of `eskeys init`, from prompts or flags. */
export interface InitAnswers {
  /** Template name (and role descriptor name). */
  readonly name: string;
  /** Index patterns the application works on. */
  readonly indices: readonly string[];
  /** What the application does. */
  readonly capabilities: readonly CapabilityId[];
  /** Env file (relative to the project) that receives the key. */
  readonly envFile: string;
  /** Variable holding the encoded key. @defaultValue ELASTICSEARCH_API_KEY */
  readonly keyVar?: string;
}

/** A problem with one answer: which answer (`name`, `index`, ...) and why. */
export interface AnswerProblem {
  readonly answer: 'name' | 'index' | 'can' | 'env-file' | 'key-var';
  readonly message: string;
}

/** The template written by init, as plain JSON, or the first problem with the answers. */
export type BuiltTemplate =
  | { readonly ok: true; readonly template: Record<string, unknown>; readonly value: RoleTemplate }
  | { readonly ok: false; readonly problem: AnswerProblem };

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Which answer a problem at this JSON pointer of the built template comes from. */
function answerAt(path: string): AnswerProblem['answer'] {
  if (path.startsWith('/role_descriptors') && path.includes('/names')) return 'index';
  if (path.startsWith('/role_descriptors') || path.startsWith('/probes')) return 'index';
  if (path.startsWith('/outputs/env_files')) return 'env-file';
  if (path.startsWith('/outputs')) return 'key-var';
  return 'name';
}

/**
 * Turns the answers into a role template: per capability its narrowest privilege and allow
 * probes, deny probes for what the application does not do plus ALWAYS_DENIED. The result is
 * validated and linted here; a template that is invalid or has a lint finding is refused with
 * the answer responsible (a `*` pattern, a name Elasticsearch would reject). Pure.
 */
export function buildTemplate(answers: InitAnswers): BuiltTemplate {
  const chosen = new Set(answers.capabilities);
  if (chosen.size === 0) {
    return {
      ok: false,
      problem: { answer: 'can', message: 'choose at least one thing the application does' },
    };
  }
  if (answers.indices.length === 0) {
    return { ok: false, problem: { answer: 'index', message: 'give at least one index pattern' } };
  }
  // Probes work on fresh names that match a pattern (app-* → app-eskeys-probe), never on an
  // index the application uses: a wrongly allowed delete probe then destroys nothing.
  const wildcard = answers.indices.find((p) => p.includes('*') && !p.startsWith('/'));
  if (!wildcard) {
    return {
      ok: false,
      problem: {
        answer: 'index',
        message: `give at least one wildcard pattern (such as ${answers.indices[0]}-*): probes need fresh index names that match it`,
      },
    };
  }
  const picked = CAPABILITIES.filter((c) => chosen.has(c.id));
  let indexPrivileges = unique(picked.flatMap((c) => c.indexPrivileges));
  // `index` already covers op_type=create: create_doc beside it would grant nothing more.
  if (chosen.has('index')) indexPrivileges = indexPrivileges.filter((p) => p !== 'create_doc');
  const clusterPrivileges = unique(picked.flatMap((c) => c.clusterPrivileges));

  const allow = unique(picked.flatMap((c) => c.allow));
  const deny = unique([
    ...CAPABILITIES.filter((c) => !chosen.has(c.id)).flatMap((c) => c.denyWhenAbsent),
    // Adding documents is covered by `create`, `streams` or `index`; without them it must be refused.
    ...(chosen.has('create') || chosen.has('streams') || chosen.has('index') ? [] : ['doc.create']),
    ...ALWAYS_DENIED,
    ...(chosen.has('streams') ? DENIED_WITH_STREAMS : []),
  ]).filter((op) => !allow.includes(op));

  // Without index privileges the template has no patterns to derive probe names from; the
  // index-scope deny probes then name their fresh index explicitly.
  const probeIndex = `${wildcard.slice(0, wildcard.indexOf('*'))}eskeys-probe`;
  const denyProbes = deny.map((op) =>
    indexPrivileges.length === 0 && probeOperation(op)?.scope === 'index' ? { op, index: probeIndex } : op,
  );

  const descriptor: Record<string, unknown> = {
    ...(clusterPrivileges.length > 0 ? { cluster: clusterPrivileges } : {}),
    ...(indexPrivileges.length > 0
      ? { indices: [{ names: [...answers.indices], privileges: indexPrivileges }] }
      : {}),
  };
  const keyVar = answers.keyVar ?? DEFAULT_KEY_VAR;
  const template: Record<string, unknown> = {
    name: answers.name,
    description: `written by eskeys init: ${picked.map((c) => c.id).join(', ')} on ${answers.indices.join(', ')}`,
    role_descriptors: { [answers.name]: descriptor },
    expiration: 'auto',
    rotation: { every: '90d', grace: '24h', review: '30d' },
    probes: { allow, deny: denyProbes },
    outputs: { env_files: [answers.envFile], key_var: keyVar, id_var: `${keyVar}_ID` },
    // Deleting documents was asked for, and doc.delete is an allow probe: the lint rule's own advice.
    ...(chosen.has('delete') ? { lint: { ignore: ['grant-delete'] } } : {}),
  };

  const checked = validateTemplate(template);
  const error = checked.errors.find((p) => p.severity === 'error') ?? checked.errors[0];
  if (error || !checked.value) {
    const path = error?.path ?? '';
    return { ok: false, problem: { answer: answerAt(path), message: error?.message ?? 'invalid' } };
  }
  const finding = lintTemplate(checked.value, `${answers.name}.json`).findings[0];
  if (finding) {
    return { ok: false, problem: { answer: answerAt(finding.path), message: finding.message } };
  }
  return { ok: true, template, value: checked.value };
}
