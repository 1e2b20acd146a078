import { describe, expect, it } from 'vitest';
import { CLUSTER_PRIVILEGE_NAMES, INDEX_PRIVILEGE_NAMES } from '../../../src/core/privileges/index.js';
import { PROBE_OPERATION_IDS } from '../../../src/core/probes/catalogue.js';
import { didYouMean, editDistance, suggest } from '../../../src/core/templates/suggest.js';

describe('edit distance (Damerau-Levenshtein, adjacent swaps cost one)', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['delete_indx', 'delete_index', 1],
    ['delete_idnex', 'delete_index', 1],
    ['monitr', 'monitor', 1],
    ['raed', 'read', 1],
    ['kitten', 'sitting', 3],
    ['same', 'same', 0],
  ])('%j → %j = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('typo suggestions', () => {
  it.each([
    ['delete_indx', INDEX_PRIVILEGE_NAMES, 'delete_index'],
    ['delete_idnex', INDEX_PRIVILEGE_NAMES, 'delete_index'],
    ['raed', INDEX_PRIVILEGE_NAMES, 'read'],
    ['create_docs', INDEX_PRIVILEGE_NAMES, 'create_doc'],
    ['view_index_metdata', INDEX_PRIVILEGE_NAMES, 'view_index_metadata'],
    ['monitr', CLUSTER_PRIVILEGE_NAMES, 'monitor'],
    ['manage_index_template', CLUSTER_PRIVILEGE_NAMES, 'manage_index_templates'],
    ['manage_pipelines', CLUSTER_PRIVILEGE_NAMES, 'manage_pipeline'],
    ['doc.delet', PROBE_OPERATION_IDS, 'doc.delete'],
    ['cluster.heath', PROBE_OPERATION_IDS, 'cluster.health'],
    ['DELETE_INDX', INDEX_PRIVILEGE_NAMES, 'delete_index'],
  ])('%s → %s', (input, candidates, expected) => {
    expect(suggest(input, candidates)).toBe(expected);
  });

  it.each([
    ['xyz', INDEX_PRIVILEGE_NAMES],
    ['c', ['a', 'b']],
    ['superuser', CLUSTER_PRIVILEGE_NAMES],
    ['drop_everything', INDEX_PRIVILEGE_NAMES],
  ])('no suggestion for %s (nothing close)', (input, candidates) => {
    expect(suggest(input, candidates)).toBeUndefined();
  });

  it('formats the hint, or nothing', () => {
    expect(didYouMean('raed', ['read'])).toBe('; did you mean "read"?');
    expect(didYouMean('zzzz', ['read'])).toBe('');
  });
});
