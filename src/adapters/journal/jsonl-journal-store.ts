import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertNoSecrets } from '../../core/audit/audit-event.js';
import { InternalError } from '../../core/errors.js';
import type { JournalEntry, JournalReader, JournalWriter } from '../../core/journal/journal-entry.js';
import { containsSecretLike } from '../../core/secrets/detect.js';
import { syncFolder } from '../fs/atomic-write.js';

/** `<template>@<env>.jsonl`, the journal file of one (template, environment). */
export function journalFileName(template: string, environment: string): string {
  return `${template}@${environment}.jsonl`;
}

/**
 * The write-ahead journal in the state folder: `<stateDir>/journal/<template>@<env>.jsonl`,
 * one JSON entry per line, mode 0600. Each append opens, writes, fsyncs and closes, so an
 * entry is on disk before the step it announces runs (a crash right after still leaves it).
 */
export class JsonlJournalStore implements JournalWriter, JournalReader {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'journal');
  }

  /** Appends one entry durably. Refuses anything that looks like a secret (defence in depth). */
  async append(entry: JournalEntry): Promise<void> {
    const line = JSON.stringify(entry);
    // Ids, names and paths are structured fields; only free text (error reasons) can smuggle a
    // value nobody meant to journal, so that is what the guard inspects.
    assertNoSecrets(entry); // the audit log's check: Secrets, secret-named fields, encoded keys
    if (entry.data?.reason !== undefined && containsSecretLike(entry.data.reason)) {
      throw new InternalError(`refusing to journal a value that looks like a secret (step ${entry.step})`);
    }
    const madeDir = await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const { handle, created } = await openForAppend(
      join(this.dir, journalFileName(entry.template, entry.environment)),
    );
    try {
      await handle.write(line + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // A new file's (or folder's) directory entry is durable only once its folder is synced: without
    // it, a crash right after the first step could lose the whole journal of an interrupted rotation.
    if (madeDir !== undefined) await syncFolder(dirname(madeDir));
    if (created || madeDir !== undefined) await syncFolder(this.dir);
  }

  /** Every entry of every journal file; a torn last line (crash mid-write) is skipped. */
  async readAll(scope?: { template: string; environment: string }): Promise<JournalEntry[]> {
    let files: string[];
    try {
      files = scope
        ? [journalFileName(scope.template, scope.environment)]
        : (await readdir(this.dir)).filter((f) => f.endsWith('.jsonl')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const out: JournalEntry[] = [];
    for (const f of files) {
      let text: string;
      try {
        text = await readFile(join(this.dir, f), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          out.push(JSON.parse(line) as JournalEntry);
        } catch {
          // A partial line from a crash mid-append: the step it announced never ran.
        }
      }
    }
    return out;
  }
}

/** Opens a journal file for appending, creating it (mode 0600) when missing; says whether it was created. */
async function openForAppend(path: string): Promise<{ handle: FileHandle; created: boolean }> {
  try {
    const handle = await open(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL,
      0o600,
    );
    return { handle, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { handle: await open(path, 'a', 0o600), created: false };
}
