import { describe, expect, it } from 'vitest';
import { lanesBySharedFiles } from '../../../src/core/scheduler/lanes.js';

describe('lanesBySharedFiles', () => {
  it.each([
    { name: 'no shared files: one lane each', files: [['/a'], ['/b'], ['/c']], lanes: [[0], [1], [2]] },
    { name: 'no files at all: one lane each', files: [[], [], []], lanes: [[0], [1], [2]] },
    { name: 'a shared file joins its templates', files: [['/a'], ['/b'], ['/a']], lanes: [[0, 2], [1]] },
    {
      name: 'sharing is transitive (0-1 share /x, 1-3 share /y)',
      files: [['/x'], ['/x', '/y'], ['/z'], ['/y']],
      lanes: [[0, 1, 3], [2]],
    },
    {
      name: 'a later link merges two earlier lanes',
      files: [['/a'], ['/b'], ['/a', '/b'], ['/c']],
      lanes: [[0, 1, 2], [3]],
    },
  ])('$name', ({ files, lanes }) => {
    expect(lanesBySharedFiles(files)).toEqual(lanes);
  });
});
