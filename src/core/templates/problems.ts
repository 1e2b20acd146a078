import type { TextLocation } from './json-text.js';

/** How bad a validation problem is: errors make a template unusable, warnings do not. */
export type ProblemSeverity = 'error' | 'warning';

/** One validation problem at a JSON pointer of a file. */
export interface Problem {
  readonly severity: ProblemSeverity;
  /** JSON pointer into the document (`` for the root). */
  readonly path: string;
  readonly message: string;
  /** Where the value at `path` starts, when the text was parsed here. */
  readonly location?: TextLocation;
  /** Malformed JSON: the location is the error's, not a value's. */
  readonly syntax?: true;
}

/** The one-line form: `roles/x.json: /role_descriptors/app/cluster/0: unknown cluster privilege "monitr"; ...`. */
export function formatProblem(file: string, p: Pick<Problem, 'path' | 'message'>): string {
  return `${file}: ${p.path === '' ? '/' : p.path}: ${p.message}`;
}
