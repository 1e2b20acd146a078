/**
 * Splits a pass's templates into lanes that may run side by side (`tick --concurrency`).
 *
 * Two rotations that publish into the same env file must not overlap: each reads, edits and
 * atomically replaces the whole file, and a rotation that rolls back restores the whole file as
 * it found it, which would erase a key another rotation published in between. So templates
 * that share an env file (directly, or through a chain of shared files) go into one lane and
 * run one after the other; lanes run concurrently.
 *
 * Returns lanes of indices into `files`, each lane in ascending order, lanes ordered by their
 * first index.
 */
export function lanesBySharedFiles(files: readonly (readonly string[])[]): number[][] {
  const parent = files.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const owner = new Map<string, number>();
  files.forEach((list, i) => {
    for (const file of list) {
      const first = owner.get(file);
      if (first === undefined) owner.set(file, i);
      else parent[root(i)] = root(first);
    }
  });
  const lanes = new Map<number, number[]>();
  files.forEach((_, i) => {
    const r = root(i);
    lanes.set(r, [...(lanes.get(r) ?? []), i]);
  });
  return [...lanes.values()].sort((a, b) => a[0]! - b[0]!);
}
