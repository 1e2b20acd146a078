import type { Workspace } from '../core/ports/workspace.js';

/**
 * Opens the project's workspace for the template verbs (lint, matrix, diff), loading the
 * filesystem adapter on demand like the context's other costly members: these verbs read files
 * only, and their static import graph stays free of adapters. See openFsWorkspace.
 */
export async function openWorkspace(
  cwd: string,
  explicit?: string,
): Promise<{ workspace: Workspace; warnings: readonly string[] }> {
  const { openFsWorkspace } = await import('../adapters/workspace/fs-workspace.js');
  return openFsWorkspace(cwd, explicit);
}
