import { mkdir, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertNoSecrets } from '../../core/audit/audit-event.js';
import { InternalError } from '../../core/errors.js';
import type { JournalEntry, JournalReader, JournalWriter } from '../../core/journal/journal-entry.js';
import { containsSecretLike } from '../../core/secrets/detect.js';

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
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const handle = await open(join(this.dir, journalFileName(entry.template, entry.environment)), 'a', 0o600);
    try {
      await handle.write(line + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
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
