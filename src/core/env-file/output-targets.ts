import { ConfigError } from '../errors.js';
import { firstNonEnvLine } from './env-grammar.js';

/**
 * The one check of where a key may be written, run before anything is minted (rotate, create,
 * tick). An env file must lie, after resolving every symbolic link, inside the project folder or
 * a root the project config declares in `output_roots`: a template names its outputs, but only
 * the config may widen where they go, so a template copied from elsewhere cannot make eskeys
 * write into /etc/passwd or ~/.ssh. An existing target must already be an env file, and its
 * owner and group must survive the atomic replace (the consumer may read it as another user).
 */

/** What exists at a canonical path. */
export type OutputTargetState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'other' }
  | {
      readonly kind: 'file';
      /** The text, or undefined when it is not valid UTF-8. */
      readonly text: string | undefined;
      /** False when a replacement could not be given the file's owner and group (another user's file, not running as root). */
      readonly ownershipKeepable: boolean;
    };

/** Filesystem facts the check needs (the adapter reads the disk). */
export interface OutputTargetFacts {
  /** The path with every symbolic link resolved; for a missing file, its nearest existing folder resolved and the rest appended. */
  canonical(path: string): Promise<string>;
  /** What is at a canonical path. */
  inspect(canonicalPath: string): Promise<OutputTargetState>;
}

/** The env files of one (template, environment) and the roots they must stay within. */
export interface OutputTargetsInput {
  /** The template's name, for messages. */
  readonly template: string;
  /** Absolute env-file paths (lexical: as the template and config name them, resolved against the project). */
  readonly envFiles: readonly string[];
  /** The project folder (first) and the config's output_roots, absolute. */
  readonly roots: readonly string[];
  /** How messages show a path. */
  readonly display: (path: string) => string;
}

function within(root: string, path: string): boolean {
  if (path === root) return true;
  return path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** Throws ConfigError (exit 2, one line naming the template and file) for the first env file eskeys must not write. */
export async function checkOutputTargets(input: OutputTargetsInput, facts: OutputTargetFacts): Promise<void> {
  const roots = await Promise.all(input.roots.map((r) => facts.canonical(r)));
  for (const file of input.envFiles) {
    const shown = input.display(file);
    const subject = `template ${input.template}: outputs.env_files: ${shown}`;
    const real = await facts.canonical(file);
    if (!roots.some((root) => within(root, real))) {
      const via = real === file ? '' : ` (resolves to ${real})`;
      throw new ConfigError(
        `${subject}${via} is outside the project folder ${input.roots[0]}${input.roots.length > 1 ? ' and every output_roots folder' : ''}; eskeys only writes env files there (declare the folder in output_roots of eskeys.config.json to allow it)`,
      );
    }
    const state = await facts.inspect(real);
    if (state.kind === 'missing') continue;
    if (state.kind === 'other') throw new ConfigError(`${subject} is not a regular file`);
    if (state.text === undefined) {
      throw new ConfigError(
        `${subject} is not valid UTF-8 text, so not an env file; eskeys will not write into it`,
      );
    }
    const bad = firstNonEnvLine(state.text);
    if (bad !== undefined) {
      throw new ConfigError(
        `${shown}: line ${bad.line}: ${bad.problem}; eskeys will not write a key into it (template ${input.template})`,
      );
    }
    if (!state.ownershipKeepable) {
      throw new ConfigError(
        `${subject} belongs to another user or to a group eskeys' user is not in, so its replacement could not keep its owner and group; run eskeys as the file's owner (or root)`,
      );
    }
  }
}
