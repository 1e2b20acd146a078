import type { AuditVerification } from '../audit/audit-event.js';
import { applyEnvUpdates, EnvFileSyntaxError, readEnvVar } from '../env-file/edit-env.js';
import { firstNonEnvLine } from '../env-file/env-grammar.js';
import type { JournalEntry } from '../journal/journal-entry.js';
import { openRotations } from '../journal/plan-recovery.js';
import { check, type DoctorCheck } from './check.js';

/** A folder eskeys writes into, as the filesystem adapter saw it (nothing is created). */
export interface DirFacts {
  readonly exists: boolean;
  /** Exists but is a file, not a folder. */
  readonly notADirectory?: boolean;
  /** For an existing folder: this process may create files in it. */
  readonly writable: boolean;
  /** For a missing folder: the nearest existing ancestor and whether it is writable (so the folder can be created). */
  readonly ancestor?: string;
  readonly ancestorWritable?: boolean;
}

/** An env file a template publishes to. */
export interface EnvFileFacts {
  readonly exists: boolean;
  /** The text, when it exists and could be read (never shown: it holds the key). */
  readonly text?: string;
  /** Permission bits (`mode & 0o777`). */
  readonly mode?: number;
  /** Why it could not be read (a refused symlink, not UTF-8, EACCES): one line naming the file, no content. */
  readonly error?: string;
  /** Its folder. */
  readonly dir: DirFacts;
}

/** Reads the local state the checks look at; the CLI implements it over the filesystem. */
export interface LocalStatePort {
  directory(path: string): Promise<DirFacts>;
  /** The audit log's chain (`eskeys audit verify`'s check). */
  verifyAudit(path: string): Promise<AuditVerification>;
  /** Every entry of every journal under the state folder. */
  journal(stateDir: string): Promise<JournalEntry[]>;
  envFile(path: string, followSymlinks: boolean): Promise<EnvFileFacts>;
  /** Permission bits of a file, undefined when absent. */
  fileMode(path: string): Promise<number | undefined>;
}

/** One template's publication targets for the environment checked. */
export interface TemplateOutputs {
  readonly template: string;
  /** Absolute paths. */
  readonly envFiles: readonly string[];
  readonly keyVar: string;
  readonly idVar?: string;
  readonly followSymlinks: boolean;
  /** Permission bits publish gives the files (`outputs.mode`). @defaultValue 0o600 */
  readonly mode?: number;
  /** Why rotate would refuse these env files before minting (outside the project, not an env file, ...). */
  readonly targetProblem?: string;
}

/** What the local checks need besides the port. */
export interface LocalInput {
  /** The project root, for showing paths relative to it. */
  readonly root: string;
  /** Absolute state folder. */
  readonly stateDir: string;
  readonly auditLog: string;
  readonly outputs: readonly TemplateOutputs[];
  /** Dotenv files holding admin credentials that exist (absolute). */
  readonly credentialFiles: readonly string[];
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** State folder, audit chain, journal, credentials files and each template's env files. */
export async function localChecks(port: LocalStatePort, input: LocalInput): Promise<DoctorCheck[]> {
  const shown = (p: string) => (p.startsWith(`${input.root}/`) ? p.slice(input.root.length + 1) : p);
  const out: DoctorCheck[] = [];

  // State folder: journal, audit log and locks live there.
  const state = await port.directory(input.stateDir);
  const stateName = shown(input.stateDir);
  if (state.notADirectory) {
    out.push(
      check('local', 'state_dir', 'fail', `${stateName} exists but is not a folder`, {
        fix: 'remove it or point state_dir in eskeys.config.json elsewhere',
      }),
    );
  } else if (state.exists && !state.writable) {
    out.push(
      check(
        'local',
        'state_dir',
        'fail',
        `${stateName} is not writable: no journal, audit log or lock can be written`,
        {
          fix: `give this user write access to ${stateName} (or run eskeys as its owner)`,
        },
      ),
    );
  } else if (!state.exists && !state.ancestorWritable) {
    out.push(
      check(
        'local',
        'state_dir',
        'fail',
        `${stateName} does not exist and ${shown(state.ancestor ?? '?')} is not writable, so it cannot be created`,
        {
          fix: `create ${stateName} writable for this user, or set state_dir in eskeys.config.json`,
        },
      ),
    );
  } else {
    out.push(
      check(
        'local',
        'state_dir',
        'ok',
        state.exists
          ? `${stateName} is writable (journal, audit log, locks)`
          : `${stateName} does not exist yet; the first rotation creates it (mode 0700)`,
      ),
    );
  }

  // Journal: an open rotation blocks the next one of the same key until recovered.
  let entries: JournalEntry[] = [];
  let journalError: string | undefined;
  try {
    entries = state.exists && !state.notADirectory ? await port.journal(input.stateDir) : [];
  } catch (error) {
    journalError = (error as Error).message;
  }
  if (journalError) {
    out.push(
      check('local', 'journal', 'fail', `cannot read the journal: ${journalError}`, {
        fix: `check the permissions of ${stateName}/journal`,
      }),
    );
  } else {
    const open = openRotations(entries);
    if (open.length > 0) {
      out.push(
        check(
          'local',
          'journal',
          'warn',
          `${open.length} rotation${open.length === 1 ? '' : 's'} did not finish: ${open.map((p) => `${p.template}@${p.environment} (stopped at ${p.lastStep}, ${p.lastAt})`).join('; ')}`,
          {
            fix: 'unless a rotation is running right now, run `eskeys recover` to resume or roll it back',
          },
        ),
      );
    } else {
      const rotations = new Set(entries.map((e) => e.rotation)).size;
      out.push(
        check(
          'local',
          'journal',
          'ok',
          rotations > 0
            ? `${rotations} rotation${rotations === 1 ? '' : 's'} recorded, none interrupted`
            : 'no rotation recorded yet',
        ),
      );
    }
  }

  // Audit log: the hash chain must verify; a missing log is fine only if nothing happened yet.
  const logName = shown(input.auditLog);
  let audit: AuditVerification | undefined;
  try {
    audit = await port.verifyAudit(input.auditLog);
  } catch (error) {
    out.push(
      check('local', 'audit', 'fail', (error as Error).message, {
        fix: `check the permissions of ${logName}`,
      }),
    );
  }
  if (audit) {
    if (audit.ok && audit.entries > 0) {
      out.push(check('local', 'audit', 'ok', `${logName}: ${audit.entries} entries, chain intact`));
    } else if (audit.entries === 0 && audit.brokenAt === undefined) {
      const rotated = entries.length > 0;
      out.push(
        rotated
          ? check(
              'local',
              'audit',
              'fail',
              `${logName} is missing or empty although the journal records rotations`,
              {
                fix: 'the audit trail was removed or truncated: restore it from a backup and keep the incident on record',
              },
            )
          : check('local', 'audit', 'ok', `no audit log yet; ${logName} is written from the first rotation`),
      );
    } else {
      out.push(
        check(
          'local',
          'audit',
          'fail',
          `${logName}: TAMPERED OR BROKEN${audit.brokenAt ? ` at entry ${audit.brokenAt}` : ''}: ${audit.reason}`,
          {
            fix: '`eskeys audit verify` / `eskeys audit show` for the details; new events cannot be appended until it is resolved',
          },
        ),
      );
    }
  }

  // Credentials files hold the admin password: like env files, owner-only.
  for (const f of input.credentialFiles) {
    const mode = await port.fileMode(f);
    if (mode !== undefined && (mode & 0o077) !== 0) {
      out.push(
        check(
          'local',
          'credentials',
          'warn',
          `${shown(f)} holds admin credentials and has mode ${octal(mode)}: other users can read it`,
          {
            subject: shown(f),
            fix: `chmod 600 ${shown(f)}`,
          },
        ),
      );
    } else if (mode !== undefined) {
      out.push(
        check('local', 'credentials', 'ok', `${shown(f)}: mode ${octal(mode)}`, { subject: shown(f) }),
      );
    }
  }

  for (const o of input.outputs) out.push(await envFilesCheck(port, o, shown));
  return out;
}

/**
 * Can publish update each env file of the template? The same refusals as rotate's preflight
 * (a line eskeys cannot rewrite safely, a symlink that is not allowed, an unreadable file), plus
 * the things worth knowing before a key lands there: a mode wider than 0600, a folder that
 * cannot be written, no key variable yet.
 */
async function envFilesCheck(
  port: LocalStatePort,
  o: TemplateOutputs,
  shown: (p: string) => string,
): Promise<DoctorCheck> {
  const subject = o.template;
  if (o.envFiles.length === 0) {
    return check(
      'local',
      'env_files',
      'warn',
      'no env files (outputs.env_files): a new key would be minted and verified but delivered nowhere',
      {
        subject,
        fix: 'list the files the consumer reads in outputs.env_files (or an environment override)',
      },
    );
  }
  if (o.targetProblem) {
    // rotate refuses these files before minting anything: that is the whole story.
    return check('local', 'env_files', 'fail', o.targetProblem, {
      subject,
      fix: 'point outputs.env_files at env files inside the project (or a folder of output_roots in eskeys.config.json)',
    });
  }
  const fails: string[] = [];
  const warns: string[] = [];
  const notes: string[] = [];
  // A stand-in of the real value's shape (base64 with padding), so quoting decisions match publish.
  const sample: Record<string, string> = { [o.keyVar]: `${'A'.repeat(58)}==` };
  if (o.idVar) sample[o.idVar] = 'A'.repeat(20);
  const mode = o.mode ?? 0o600;
  for (const path of o.envFiles) {
    const name = shown(path);
    const f = await port.envFile(path, o.followSymlinks);
    if (f.error) {
      fails.push(f.error);
      continue;
    }
    if (!f.exists) {
      const d = f.dir;
      if (d.exists && !d.writable) fails.push(`${name}: its folder is not writable`);
      else if (!d.exists && !d.ancestorWritable)
        fails.push(`${name}: its folder does not exist and cannot be created`);
      else notes.push(`${name} does not exist yet (created with mode ${octal(mode)})`);
      continue;
    }
    if (!f.dir.writable)
      fails.push(
        `${name}: its folder is not writable (eskeys replaces the file atomically: temp file + rename)`,
      );
    // rotate refuses a file that is not an env file at all before minting; say so here first.
    const bad = firstNonEnvLine(f.text ?? '');
    if (bad !== undefined) {
      fails.push(`${name}: line ${bad.line}: ${bad.problem}`);
      continue;
    }
    try {
      applyEnvUpdates(f.text ?? '', sample);
    } catch (error) {
      if (error instanceof EnvFileSyntaxError) fails.push(`${name}: line ${error.line}: ${error.problem}`);
      else fails.push(`${name}: ${(error as Error).message}`);
      continue;
    }
    if (f.mode !== undefined && (f.mode & 0o077 & ~mode) !== 0) {
      warns.push(
        `${name} has mode ${octal(f.mode)}: other users can read the key (the next rotation narrows it to ${octal(mode)})`,
      );
    }
    notes.push(
      readEnvVar(f.text ?? '', o.keyVar) === undefined
        ? `${name} has no ${o.keyVar} yet`
        : `${name} holds ${o.keyVar}`,
    );
  }
  if (fails.length > 0) {
    return check('local', 'env_files', 'fail', fails[0]!, {
      subject,
      details: [...fails.slice(1), ...warns],
      fix: 'publish would refuse these files: fix them before the next rotation mints a key',
    });
  }
  if (warns.length > 0) {
    return check('local', 'env_files', 'warn', warns[0]!, {
      subject,
      details: warns.slice(1),
      fix: `chmod ${(mode & 0o777).toString(8)} ${o.envFiles.map(shown).join(' ')}`,
    });
  }
  return check('local', 'env_files', 'ok', notes.join('; '), { subject });
}
