// How recover's problems add up to its exit (core/use-cases/recover-outcome.ts): the exit codes
// are the documented ones (README "Exit codes": 4 locked, 5 partial failure needing recover).

import { describe, expect, it } from 'vitest';
import { PartialFailureError, ReportedError } from '../../../src/core/errors.js';
import type { RecoveryProblem } from '../../../src/core/use-cases/recover.js';
import { recoveryFailure } from '../../../src/core/use-cases/recover-outcome.js';

const problem = (exitCode: number): RecoveryProblem => ({
  rotation: 'r1',
  scope: 'api@prod',
  error: 'x',
  exitCode,
});

describe('recoveryFailure', () => {
  it('no problem: no failure', () => {
    expect(recoveryFailure([])).toBeUndefined();
  });

  it.each<[string, number[], number]>([
    ['every rotation locked (running elsewhere): exit 4, already reported', [4, 4], 4],
    ['a partial failure among them: exit 5, already reported', [4, 5], 5],
  ])('%s', (_name, codes, exit) => {
    const failure = recoveryFailure(codes.map(problem));
    expect(failure).toBeInstanceOf(ReportedError);
    expect((failure as ReportedError).exitCode).toBe(exit);
  });

  it('other problems: a partial failure (exit 5) that counts them', () => {
    const failure = recoveryFailure([problem(3), problem(4)]);
    expect(failure).toBeInstanceOf(PartialFailureError);
    expect((failure as PartialFailureError).exitCode).toBe(5);
    expect((failure as Error).message).toBe('2 rotation(s) could not be recovered; see above');
  });
});
