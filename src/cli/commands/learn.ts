import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { diffTemplates } from '../../core/diff/diff.js';
import { formatDuration, parseDuration } from '../../core/duration.js';
import {
  ConfigError,
  ExitCode,
  ReportedError,
  StoppedError,
  TemplateError,
  UsageError,
} from '../../core/errors.js';
import {
  buildLearnReport,
  generateLearnedTemplate,
  LEARNED_TEMPLATE_SUFFIX,
  LearnRecorder,
  type LearnReport,
  type Observations,
  renderLearnReportMarkdown,
} from '../../core/learn/index.js';
import { lintTemplate } from '../../core/lint/lint.js';
import { type LoadedTemplate, parseTemplate } from '../../core/templates/index.js';
import { DEFAULT_KEY_VAR } from '../../core/templates/schema.js';
import type { CliContext } from '../context.js';
import type { IO } from '../io.js';
import { writeJson } from '../render/json.js';
import { openWorkspace } from '../workspace.js';
import { diffToJson, renderDiffText } from './diff.js';

/** Options of `eskeys learn`. */
export interface LearnOptions {
  readonly io: IO;
  readonly cwd: string;
  readonly upstream: URL;
  /** @defaultValue '127.0.0.1' */
  readonly host: string;
  readonly port: number;
  readonly name: string;
  /** Where the template goes; default `<templates_dir>/<name>.json`. */
  readonly out?: string;
  /** Stop after this many milliseconds (besides SIGINT/SIGTERM). */
  readonly durationMs?: number;
  readonly patterns: readonly string[];
  /** The template's outputs: where `eskeys create`/`rotate` put the key. */
  readonly outputs: { readonly envFile: string; readonly keyVar: string };
  readonly json: boolean;
  readonly tls: { readonly caPath?: string; readonly caFingerprint?: string; readonly insecure: boolean };
  readonly config?: string;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  readonly now: () => number;
}

const TEMPLATE_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Checks `--upstream`: an http(s) URL without credentials. */
export function parseUpstream(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `--upstream: [${text.replace(/\/\/[^@/]*@/, '//')}] is not a URL (expected http(s)://host:port)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--upstream: [${url.origin}] must start with http:// or https://`);
  if (url.username || url.password)
    throw new UsageError('--upstream must not embed credentials: the application sends its own');
  if (url.search || url.hash) throw new UsageError('--upstream must not carry a query or fragment');
  return url;
}

/** `eskeys learn --upstream URL --port N --name NAME`. */
export function learnCommand(
  ctx: CliContext,
  run: (opts: LearnOptions) => Promise<void> = runLearn,
): Command {
  return new Command('learn')
    .description(
      'record an application’s traffic through a local proxy and write the least-privilege template it needs',
    )
    .addOption(new Option('--upstream <url>', 'the cluster to forward to (env ESKEYS_URL)'))
    .requiredOption('--port <port>', 'port the application connects to (0 = any free port)')
    .requiredOption('--name <name>', 'template name')
    .option('--out <file>', 'template to write (default <templates_dir>/<name>.json)')
    .option('--duration <duration>', 'stop after this long (e.g. 30m); otherwise on Ctrl-C / SIGTERM')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--pattern <pattern>',
      'index pattern to grant matching names on (repeatable; overrides the generalization)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--dotenv <file>', 'env file the template publishes the key to', '.env')
    .option('--key-var <name>', 'variable holding the key in that file', DEFAULT_KEY_VAR)
    .option('--json', 'print the report as JSON', false)
    .addOption(new Option('--ca <file>', 'PEM CA certificate of an https upstream (env ESKEYS_CA_CERT)'))
    .addOption(
      new Option('--ca-fingerprint <sha256>', 'pin the upstream CA certificate (env ESKEYS_CA_FINGERPRINT)'),
    )
    .addOption(new Option('--insecure', 'turn TLS verification off (never in production)'))
    .addOption(
      new Option('--config <file>', 'project config (default ./eskeys.config.json; env ESKEYS_CONFIG)'),
    )
    .addHelpText(
      'after',
      '\nRecords counts of (action, index names, status) only: never bodies, header values or credentials.',
    )
    .action(
      async (flags: {
        upstream?: string;
        port: string;
        name: string;
        out?: string;
        duration?: string;
        host: string;
        pattern: string[];
        dotenv: string;
        keyVar: string;
        json: boolean;
        ca?: string;
        caFingerprint?: string;
        insecure?: boolean;
        config?: string;
      }) => {
        const upstreamText = flags.upstream ?? ctx.env.ESKEYS_URL;
        if (!upstreamText) throw new UsageError('--upstream is required: the cluster URL to forward to');
        const upstream = parseUpstream(upstreamText);
        const port = Number(flags.port);
        if (!/^\d+$/.test(flags.port) || port > 65535)
          throw new UsageError(`--port must be a port number (0-65535), got ${flags.port}`);
        if (!TEMPLATE_NAME.test(flags.name))
          throw new UsageError(
            `--name ${flags.name}: expected lowercase letters, digits, ".", "_" or "-" (max 63)`,
          );
        let durationMs: number | undefined;
        if (flags.duration !== undefined) {
          durationMs = parseDuration(flags.duration);
          if (durationMs === undefined)
            throw new UsageError(`--duration ${flags.duration}: expected a duration such as 30m or 2h`);
          if (durationMs <= 0) throw new UsageError(`--duration ${flags.duration}: must be longer than 0`);
        }
        const insecureEnv = ctx.env.ESKEYS_INSECURE;
        const caPath = flags.ca ?? (ctx.env.ESKEYS_CA_CERT || undefined);
        const caFingerprint = flags.caFingerprint ?? (ctx.env.ESKEYS_CA_FINGERPRINT || undefined);
        await run({
          io: ctx.io,
          cwd: ctx.cwd,
          upstream,
          host: flags.host,
          port,
          name: flags.name,
          ...(flags.out !== undefined ? { out: flags.out } : {}),
          ...(durationMs !== undefined ? { durationMs } : {}),
          patterns: flags.pattern,
          outputs: { envFile: flags.dotenv, keyVar: flags.keyVar },
          json: flags.json,
          tls: {
            ...(caPath ? { caPath: resolve(ctx.cwd, caPath) } : {}),
            ...(caFingerprint ? { caFingerprint } : {}),
            insecure: flags.insecure === true || insecureEnv === 'true' || insecureEnv === '1',
          },
          ...((flags.config ?? ctx.env.ESKEYS_CONFIG)
            ? { config: flags.config ?? ctx.env.ESKEYS_CONFIG }
            : {}),
          signal: ctx.signal,
          now: () => ctx.clock.now().getTime(),
        });
      },
    );
}

/** The upstream TLS settings: CA file read, fingerprint normalised, http + fingerprint refused. */
async function upstreamTls(opts: LearnOptions) {
  const { normaliseFingerprint } = await import('../../adapters/es/client-factory.js');
  if (opts.upstream.protocol === 'http:' && opts.tls.caFingerprint)
    throw new ConfigError(
      'a CA fingerprint was given but --upstream is http://; use https:// or drop the fingerprint',
    );
  let ca: string | undefined;
  if (opts.tls.caPath) {
    try {
      ca = readFileSync(opts.tls.caPath, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `--ca ${opts.tls.caPath}: cannot read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  return {
    ...(ca ? { ca } : {}),
    ...(opts.tls.caFingerprint ? { caFingerprint: normaliseFingerprint(opts.tls.caFingerprint) } : {}),
    insecure: opts.tls.insecure,
  };
}

/** Whether a listen address is loopback only (127.0.0.0/8, ::1, localhost). */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Longest delay one timer takes (a signed 32-bit count of ms, about 24.8 days); longer waits chain timers. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Resolves with how learning stopped: SIGINT/SIGTERM, or the duration has passed. */
function untilStopped(signal: AbortSignal, durationMs: number | undefined): Promise<'signal' | 'duration'> {
  return new Promise((done) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (how: 'signal' | 'duration') => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      done(how);
    };
    const onAbort = () => finish('signal');
    if (signal.aborted) return finish('signal');
    signal.addEventListener('abort', onAbort, { once: true });
    if (durationMs === undefined) return;
    // Measured on the monotonic clock, so a wall-clock change does not shorten or stretch it.
    const deadline = performance.now() + durationMs;
    const wait = () => {
      const left = deadline - performance.now();
      if (left <= 0) finish('duration');
      else timer = setTimeout(wait, Math.min(left, MAX_TIMER_MS));
    };
    wait();
  });
}

/** `1 request`, `2 requests`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Why nothing can be learned from these observations, or undefined when something was allowed:
 * a template from refusals and 502s alone would grant nothing and mislead.
 */
function nothingLearned(observations: Observations): string | undefined {
  if (observations.requests === 0) return 'no request reached the proxy';
  if (observations.operations.some((o) => o.outcome === 'allowed')) return undefined;
  // Requests no action could be found for carry no outcome: the report lists them for review.
  if (observations.unmapped.length > 0) return undefined;
  const byOutcome = new Map<string, number>();
  for (const o of observations.operations)
    byOutcome.set(o.outcome, (byOutcome.get(o.outcome) ?? 0) + o.count);
  const parts = [
    ['denied', 'denied (403)'],
    ['unauthenticated', 'unauthenticated (401)'],
    ['failed', 'failed (400/5xx, or 502: the upstream unreachable)'],
  ]
    .filter(([k]) => (byOutcome.get(k!) ?? 0) > 0)
    .map(([k, label]) => `${byOutcome.get(k!)} ${label}`);
  return `${count(observations.requests, 'request')} reached the proxy and none was allowed (${parts.join(', ')})`;
}

/** Runs the proxy until stopped, then writes the template, the report and (for an existing template) the diff. */
export async function runLearn(opts: LearnOptions): Promise<void> {
  const { workspace } = await openWorkspace(opts.cwd, opts.config);
  const templatePath = opts.out
    ? resolve(opts.cwd, opts.out)
    : join(workspace.absolute(workspace.config.templates_dir), `${opts.name}.json`);
  const tls = await upstreamTls(opts);
  const { startRecordingProxy, upstreamUnreachable } = await import(
    '../../adapters/proxy/recording-proxy.js'
  );
  const recorder = new LearnRecorder();
  const proxy = await startRecordingProxy({
    upstream: opts.upstream,
    tls,
    host: opts.host,
    port: opts.port,
    recorder,
    now: opts.now,
  });
  if (!isLoopback(opts.host))
    opts.io.stderr.write(
      `eskeys: warning: listening on ${opts.host}, not loopback: anyone who can reach this port reaches the cluster through it\n`,
    );
  if (tls.insecure)
    opts.io.stderr.write('eskeys: warning: TLS verification is OFF (--insecure); do not use in production\n');
  const stopping =
    opts.durationMs === undefined
      ? 'stop with Ctrl-C'
      : `stops after ${formatDuration(opts.durationMs)} or on Ctrl-C`;
  opts.io.stderr.write(
    `eskeys learn: listening on ${proxy.url}, forwarding to ${opts.upstream.origin}; ${stopping}\n`,
  );
  // The duration and Ctrl-C count from here; the reachability check runs beside them.
  const stopped = untilStopped(opts.signal, opts.durationMs);
  let over = false;
  void upstreamUnreachable(opts.upstream, tls).then((unreachable) => {
    if (unreachable && !over)
      opts.io.stderr.write(
        `eskeys: warning: upstream ${opts.upstream.origin} is not reachable now (${unreachable}); the application gets 502 until it is\n`,
      );
  });
  const how = await stopped;
  over = true;
  if (how === 'duration')
    opts.io.stderr.write(`eskeys learn: --duration ${formatDuration(opts.durationMs!)} is over; stopping\n`);
  await proxy.close();

  const observations = recorder.snapshot();
  const learned = generateLearnedTemplate(observations, {
    name: opts.name,
    patterns: opts.patterns,
    outputs: opts.outputs,
    major: recorder.upstreamMajor(),
  });
  const why = nothingLearned(observations);
  if (why !== undefined) {
    // Nothing to grant: no file is written, but what was refused or failed is still shown.
    const report = observations.requests > 0 ? buildLearnReport(observations, learned) : undefined;
    if (opts.json)
      writeJson(opts.io, {
        ...(report ?? { template: opts.name, requests: 0 }),
        written: null,
        reason: why,
      });
    else if (report) opts.io.stdout.write(renderLearnReportMarkdown(report));
    opts.io.stderr.write(`eskeys: learned nothing: ${why}; nothing written\n`);
    throw opts.signal.aborted
      ? new StoppedError(ExitCode.verificationFailed)
      : new ReportedError(ExitCode.verificationFailed);
  }
  const text = `${JSON.stringify(learned.document, null, 2)}\n`;
  const existing = existsSync(templatePath);
  const target = existing ? templatePath.replace(/(\.json)?$/, LEARNED_TEMPLATE_SUFFIX) : templatePath;
  // The generator's output must be a valid template; a failure here is a bug, not bad input.
  const { template } = parseTemplate(text, basename(target));
  const lint = lintTemplate(template, workspace.shownPath(target));
  const report = buildLearnReport(observations, learned);

  const { writeFileAtomic } = await import('../../adapters/fs/atomic-write.js');
  await mkdir(dirname(target), { recursive: true });
  await writeFileAtomic(target, text, { mode: 0o644, applyUmask: true });
  const reportBase = templatePath.replace(/(\.json)?$/, '');
  await writeFileAtomic(`${reportBase}.learn-report.md`, renderLearnReportMarkdown(report), {
    mode: 0o644,
    applyUmask: true,
  });
  await writeFileAtomic(`${reportBase}.learn-report.json`, `${JSON.stringify(report, null, 2)}\n`, {
    mode: 0o644,
    applyUmask: true,
  });

  const diff = existing
    ? diffAgainstExisting(templatePath, workspace.shownPath(templatePath), workspace.shownPath(target), text)
    : undefined;
  if (opts.json) {
    writeJson(opts.io, {
      ...report,
      written: workspace.shownPath(target),
      lint: lint.findings,
      ...(diff ? { diff: diffToJson(diff.diff) } : {}),
    });
  } else {
    opts.io.stdout.write(renderLearnReportMarkdown(report));
    if (diff) {
      opts.io.stdout.write(
        `\n## ${workspace.shownPath(templatePath)} → learned\n\nLines marked "-" are granted by the existing template and were never used while learning.\n\n`,
      );
      opts.io.stdout.write(diff.text);
    }
  }
  for (const f of lint.findings)
    opts.io.stderr.write(
      `eskeys: lint ${f.severity}: ${workspace.shownPath(target)}${f.path}: ${f.message}\n`,
    );
  opts.io.stderr.write(
    `eskeys learn: ${count(observations.requests, 'request')}; wrote ${workspace.shownPath(target)}, ${workspace.shownPath(`${reportBase}.learn-report.md`)} and ${workspace.shownPath(`${reportBase}.learn-report.json`)}\n`,
  );
  // Ctrl-C / SIGTERM is how learning is meant to end: exit 0, not 130.
  if (opts.signal.aborted) throw new StoppedError(ExitCode.ok);
}

/** The diff existing → learned; undefined when the existing template does not validate (lint reports that). */
function diffAgainstExisting(
  existingPath: string,
  existingShown: string,
  learnedShown: string,
  learnedText: string,
) {
  let old: LoadedTemplate;
  try {
    old = parseTemplate(readFileSync(existingPath, 'utf8'), existingShown);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return undefined;
  }
  const learned = parseTemplate(learnedText, learnedShown);
  const diff = diffTemplates(
    { template: old.template, file: existingShown },
    { template: learned.template, file: learnedShown },
  );
  return { diff, text: renderDiffText(diff) };
}

export type { LearnReport };
