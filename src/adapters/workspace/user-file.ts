import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError, TemplateError } from '../../core/errors.js';
import { decodeUtf8 } from '../../core/templates/utf8.js';

/**
 * Reading a file the user named (a template, eskeys.config.json) as strict UTF-8 text, with
 * one clear message for each way it can fail: a directory where a file was expected, a
 * symlink that resolves to itself, bytes that are not UTF-8 (with the offset of the first
 * one), or any other read error. A missing file is `undefined`: callers word that themselves
 * (with suggestions of what does exist).
 */

/** What the file is: a template's problems are TemplateErrors, the config's ConfigErrors (both exit 2). */
export type UserFileKind = 'template' | 'config';

function fileError(kind: UserFileKind, message: string, cause?: unknown): Error {
  return kind === 'template'
    ? new TemplateError(message, [message], { cause })
    : new ConfigError(message, { cause });
}

function decodeOrThrow(bytes: Uint8Array, shown: string, kind: UserFileKind): string {
  const decoded = decodeUtf8(bytes);
  if ('invalidAt' in decoded) {
    throw fileError(
      kind,
      `${shown}: invalid UTF-8 at byte offset ${decoded.invalidAt}; save the file as UTF-8`,
    );
  }
  return decoded.text;
}

function unreadable(error: unknown, shown: string, kind: UserFileKind): Error | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  if (code === 'EISDIR') return fileError(kind, `${shown} is a directory, not a file`, error);
  if (code === 'ELOOP')
    return fileError(kind, `${shown} is a symlink loop (its links never reach a file)`, error);
  return fileError(kind, `cannot read ${shown}: ${(error as Error).message}`, error);
}

/** Reads `absolutePath` as UTF-8 text; undefined when it does not exist. `shown` names it in messages. */
export async function readUserFile(
  absolutePath: string,
  shown: string,
  kind: UserFileKind,
): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(absolutePath);
  } catch (error) {
    const e = unreadable(error, shown, kind);
    if (e) throw e;
    return undefined;
  }
  return decodeOrThrow(bytes, shown, kind);
}

/** readUserFile, synchronously (the project config is read once, before anything else runs). */
export function readUserFileSync(
  absolutePath: string,
  shown: string,
  kind: UserFileKind,
): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(absolutePath);
  } catch (error) {
    const e = unreadable(error, shown, kind);
    if (e) throw e;
    return undefined;
  }
  return decodeOrThrow(bytes, shown, kind);
}
