import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Transpiles `entries` (paths from the repository root, e.g. `src/adapters/lock/file-lock.ts`)
 * and every module they import relatively, transitively, into plain ESM under `dir`, so a child
 * `node` process can load the real adapter code (tests of cross-process locking). Following the
 * imports instead of listing files keeps these tests from breaking when a module gains a helper.
 */
export async function compileForChild(dir: string, entries: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  const queue = entries.map((e) => resolve(ROOT, e));
  for (let file = queue.shift(); file; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = await readFile(file, 'utf8');
    const out = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const dest = join(dir, relative(ROOT, file).replace(/\.ts$/, '.js'));
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, out);
    // Type-only imports vanish in the output, so scanning the output finds exactly what loads.
    for (const m of out.matchAll(/(?:from|import)\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      queue.push(resolve(dirname(file), `${m[1]}.ts`));
    }
  }
  await writeFile(join(dir, 'package.json'), '{"type":"module"}');
}
