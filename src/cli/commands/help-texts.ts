import { ExitCode } from '../../core/errors.js';
import { CANCELLED_EXIT, CLUSTER_EXIT, type CommandHelp, type ExitCodeLine, USAGE_EXIT } from '../help.js';

const ROTATION_EXITS: readonly ExitCodeLine[] = [
  [
    ExitCode.verificationFailed,
    'a probe of the new key, the restart or the health check failed (rolled back)',
  ],
  [ExitCode.unavailable, 'cluster unreachable or misbehaving, authentication failed, or probes inconclusive'],
  [ExitCode.locked, 'another rotation of this template and environment holds the lock'],
  [ExitCode.partialFailure, 'half done: run `eskeys recover`'],
  CANCELLED_EXIT,
];

/**
 * The examples and exit codes of every verb's `--help`, keyed by verb. Kept apart from the
 * commands so one table shows them all, rendered the same way for every verb.
 */
export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  init: {
    examples: [
      'eskeys init',
      'eskeys init --name email-search --index "gmail_emails-*" --can read,create --yes',
    ],
    exitCodes: [[ExitCode.ok, 'template written'], USAGE_EXIT, CANCELLED_EXIT],
  },
  lint: {
    examples: ['eskeys lint', 'eskeys lint email-search --json', 'eskeys lint roles/ --severity error'],
    exitCodes: [
      [ExitCode.ok, 'no error-level findings'],
      [ExitCode.verificationFailed, 'error-level findings'],
      [ExitCode.usage, 'invalid templates or bad usage'],
    ],
  },
  matrix: {
    examples: [
      'eskeys matrix',
      'eskeys matrix email-search ingest-writer --format markdown',
      'eskeys matrix original.json enhanced.json email-search --needed-from email-search',
      'eskeys matrix --format html > matrix.html',
    ],
    exitCodes: [
      [ExitCode.ok, 'matrix printed'],
      [ExitCode.usage, 'invalid templates or bad usage'],
    ],
  },
  diff: {
    examples: [
      'eskeys diff roles/app.json roles/app-new.json',
      'eskeys diff roles/app.json --git main --json',
    ],
    exitCodes: [
      [ExitCode.ok, 'the change adds no access'],
      [ExitCode.verificationFailed, 'the change adds access'],
      [ExitCode.usage, 'invalid templates or bad usage'],
    ],
  },
  schema: {
    examples: ['eskeys schema > schema/role-template.json', 'eskeys schema --config'],
    exitCodes: [[ExitCode.ok, 'schema printed'], USAGE_EXIT],
  },
  verify: {
    examples: [
      'eskeys verify email-search --env prod',
      'eskeys verify email-search --key-env APP_KEY --format junit --output report.xml',
      'eskeys verify email-search --record',
    ],
    exitCodes: [
      [ExitCode.ok, 'every probe passed'],
      [ExitCode.verificationFailed, 'a probe failed'],
      USAGE_EXIT,
      [
        ExitCode.unavailable,
        'cluster unreachable, the key was rejected (401), or probes inconclusive because the cluster was busy (429/503/timeouts on every try)',
      ],
      [ExitCode.cancelled, 'interrupted (canaries removed first)'],
    ],
  },
  create: {
    examples: ['eskeys create email-search --env prod', 'eskeys create email-search --dry-run'],
    exitCodes: [
      [ExitCode.ok, 'key created, verified and published; with --dry-run, the plan shown'],
      [ExitCode.usage, 'bad usage, config or template, or an active key exists (use `eskeys rotate`)'],
      ...ROTATION_EXITS,
    ],
  },
  rotate: {
    examples: [
      'eskeys rotate email-search --env prod',
      'eskeys rotate email-search --yes --grace 2h',
      'eskeys rotate email-search --now --yes   # compromised key',
      'eskeys rotate email-search --dry-run',
    ],
    exitCodes: [[ExitCode.ok, 'rotated; with --dry-run, the plan shown'], USAGE_EXIT, ...ROTATION_EXITS],
  },
  revoke: {
    examples: [
      'eskeys revoke --due --yes',
      'eskeys revoke --id XWxG --dry-run   # the …XWxG a table shows',
      'eskeys revoke --template email-search',
      'eskeys revoke   # in a terminal: pick the key',
    ],
    exitCodes: [
      [ExitCode.ok, 'revoked, or nothing to revoke; with --dry-run, the plan shown'],
      [
        ExitCode.usage,
        'bad usage, no such key, an ambiguous or too short --id, --yes missing without a terminal, or the only active key without --force',
      ],
      CLUSTER_EXIT,
      CANCELLED_EXIT,
    ],
  },
  status: {
    examples: [
      'eskeys status',
      'eskeys status --template email-search --env prod',
      'eskeys status --all --json',
      'eskeys status --wide',
    ],
    exitCodes: [[ExitCode.ok, 'listed'], USAGE_EXIT, CLUSTER_EXIT],
  },
  list: {
    examples: ['eskeys list', 'eskeys list --all --json'],
    exitCodes: [[ExitCode.ok, 'listed'], USAGE_EXIT, CLUSTER_EXIT],
  },
  tick: {
    examples: [
      'eskeys tick',
      'eskeys tick --dry-run',
      'eskeys tick --concurrency 4 --json',
      'eskeys tick --quiet',
    ],
    exitCodes: [
      [ExitCode.ok, 'pass completed (locked scopes are skipped, not failed)'],
      [ExitCode.verificationFailed, 'a verification or restart failed'],
      [ExitCode.usage, 'bad config or template'],
      [ExitCode.unavailable, 'cluster unreachable or authentication failed'],
      [ExitCode.partialFailure, 'a rotation is half done: run `eskeys recover`'],
    ],
  },
  schedule: {
    examples: ['eskeys schedule', 'eskeys schedule --cron "17 * * * *"', 'eskeys schedule --quiet'],
    exitCodes: [
      [ExitCode.ok, 'stopped by SIGINT/SIGTERM after the pass in progress finished'],
      [ExitCode.usage, 'bad config or cron expression (checked before the first pass)'],
    ],
  },
  recover: {
    examples: ['eskeys recover', 'eskeys recover --dry-run', 'eskeys recover --env prod --json'],
    exitCodes: [
      [ExitCode.ok, 'nothing left interrupted'],
      USAGE_EXIT,
      CLUSTER_EXIT,
      [ExitCode.locked, 'a rotation still running holds the lock'],
      [ExitCode.partialFailure, 'some interrupted rotation could not be finished or undone yet'],
    ],
  },
  doctor: {
    examples: ['eskeys doctor', 'eskeys doctor --env prod --json'],
    exitCodes: [
      [ExitCode.ok, 'nothing failed (warnings allowed)'],
      [ExitCode.verificationFailed, 'a check failed'],
      [ExitCode.usage, 'the project, a template or the connection settings are invalid'],
      [ExitCode.unavailable, 'the cluster is unreachable or rejected the credentials'],
    ],
  },
  inventory: {
    examples: [
      'eskeys inventory',
      'eskeys inventory --all --fail-on high',
      'eskeys inventory --json',
      'eskeys inventory --wide',
    ],
    exitCodes: [
      [ExitCode.ok, 'listed (findings do not fail unless --fail-on)'],
      [ExitCode.verificationFailed, 'findings at or above --fail-on'],
      [ExitCode.usage, 'bad usage or config'],
      [ExitCode.unavailable, 'cluster unreachable or credentials rejected'],
    ],
  },
  review: {
    examples: [
      'eskeys review',
      'eskeys review --live --format json',
      'eskeys review --sign-off "A. Reviewer"',
      'eskeys review --env prod --format html --out review.html',
    ],
    exitCodes: [
      [ExitCode.ok, 'approved (with or without follow-ups)'],
      [ExitCode.verificationFailed, 'changes required'],
      USAGE_EXIT,
      [ExitCode.unavailable, 'cluster unreachable or authentication failed'],
      [
        ExitCode.partialFailure,
        'the document was written (--out) but its sign-off could not be recorded in the audit log',
      ],
    ],
  },
  audit: {
    examples: ['eskeys audit verify', 'eskeys audit show --last 20'],
    exitCodes: [
      [ExitCode.ok, 'the hash chain is intact'],
      [ExitCode.verificationFailed, 'an entry was edited, removed or reordered'],
      [ExitCode.usage, 'bad usage, or no audit log'],
    ],
  },
  learn: {
    examples: [
      'eskeys learn --upstream http://localhost:9200 --port 9201 --name email-search',
      'eskeys learn --upstream https://es:9200 --port 9201 --name app --duration 30m',
    ],
    exitCodes: [
      [ExitCode.ok, 'template and report written (also after Ctrl-C, the usual way to stop learning)'],
      [ExitCode.verificationFailed, 'nothing to learn from (no request, or none allowed): nothing written'],
      [ExitCode.usage, 'bad usage (bad --upstream, --port, --name or --duration; busy port)'],
    ],
  },
  sandbox: {
    examples: ['eskeys sandbox', 'eskeys sandbox --port 0', 'eskeys sandbox --tls'],
    exitCodes: [
      [ExitCode.ok, 'stopped with Ctrl-C or SIGTERM'],
      [ExitCode.usage, 'bad usage, or the port is busy'],
    ],
  },
  completion: {
    examples: [
      'eskeys completion bash > /etc/bash_completion.d/eskeys',
      'eskeys completion zsh > ~/.zfunc/_eskeys   # a folder in $fpath',
      'eskeys completion fish > ~/.config/fish/completions/eskeys.fish',
    ],
    exitCodes: [
      [ExitCode.ok, 'script printed'],
      [ExitCode.usage, 'unknown shell'],
    ],
  },
};
