import { humanizeDuration } from '../../core/duration.js';
import {
  formatPrivileges,
  type InventoryEntry,
  type InventoryFilter,
  type InventoryFinding,
  type InventorySummary,
  type RuleSummary,
  type ScanInfo,
} from '../../core/inventory/index.js';
import { type InventorySeverity, inventorySeverityRank } from '../../core/inventory/severity.js';
import { maskId } from '../../core/secret.js';
import type { TextSink } from '../io.js';
import type { TerminalOutput } from '../output.js';
import { type Palette, PLAIN } from './colour.js';
import { type ColumnFit, renderMarkdownTable, renderTable, visible, wrapWords } from './table.js';

/**
 * Streaming renderers of `eskeys inventory`: each gets the header, then one key at a time as
 * pages arrive, then the totals. JSON and Markdown hold no key, so 100,000 keys print in
 * constant memory; the terminal table holds its rows (text only) to print them worst first.
 */

/** What is known before the first key. */
export interface InventoryHeader {
  /** Cluster URL without credentials. */
  readonly cluster: string;
  readonly generatedAt: Date;
  readonly filter: InventoryFilter;
  /** The admin may see every owner's keys (else the query API shows only its own). */
  readonly allOwners: boolean;
  /** Why managed keys were not compared with roles/, or undefined when they were. */
  readonly templatesSkipped?: string;
  /** The skip is expected (no roles/ at all: inventory run outside a project), so no terminal warning. */
  readonly templatesAbsent?: boolean;
}

/** What is known after the last key. */
export interface InventoryFooter {
  readonly summary: InventorySummary;
  readonly scan: ScanInfo;
}

/** A streaming renderer. */
export interface InventoryRenderer {
  begin(h: InventoryHeader): void;
  key(e: InventoryEntry): void;
  end(f: InventoryFooter): void;
}

/** JSON.stringify with DEL, C1 controls and U+2028/U+2029 escaped too (still the same JSON value). */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const iso = (d: Date | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The scope in words: `valid keys (not invalidated, not expired) of owner alice, unmanaged`. */
export function describeScope(f: InventoryFilter): string {
  const parts = [
    f.all ? 'all keys, invalidated and expired included' : 'valid keys (not invalidated, not expired)',
  ];
  if (f.owner) parts.push(`owner ${f.owner}`);
  if (f.realm) parts.push(`realm ${f.realm}`);
  if (f.template) parts.push(`template ${f.template}`);
  else if (f.managed) parts.push(`${f.managed} only`);
  return parts.join(', ');
}

/** Caveats that make an inventory partial or less precise (`terminal`: only those worth a warning). */
export function caveats(h: InventoryHeader, scan?: ScanInfo, terminal = false): string[] {
  const out: string[] = [];
  if (!h.allOwners) {
    out.push(
      'partial inventory: the admin identity has neither read_security nor manage_api_key, so the cluster lists only its own keys',
    );
  }
  if (scan?.limitedByUnsupported) {
    out.push(
      "the cluster predates 8.5: it returns neither owner snapshots (limited_by) nor keys' role descriptors, so what each key may do is unknown",
    );
  } else if (scan && !scan.limitedByReturned) {
    out.push(
      'owner snapshots (limited_by) were not returned (an API-key admin needs manage_api_key): what keys without role descriptors inherit is unknown',
    );
  }
  if (h.templatesSkipped && !(terminal && h.templatesAbsent)) {
    out.push(`template checks skipped: ${h.templatesSkipped}`);
  }
  return out;
}

function ownerOf(e: InventoryEntry): string {
  return `${e.owner.username} (${e.owner.realm})`;
}

function expiresCell(e: InventoryEntry): string {
  if (e.status === 'invalidated') return `invalidated ${e.invalidation ? day(e.invalidation) : ''}`.trimEnd();
  if (!e.expiration) return 'never';
  return e.status === 'expired' ? `expired ${day(e.expiration)}` : day(e.expiration);
}

function managedCell(e: InventoryEntry): string {
  return e.managed ? `${e.managed.label} ${e.managed.state}` : 'unmanaged';
}

/** The privileges cell: a key without descriptors shows its owner's snapshot, marked as such. */
export function privilegesCell(e: InventoryEntry): string {
  if (e.privilegeSource === 'unknown') return "inherits its owner's (snapshot not returned)";
  if (e.privilegeSource === 'unreported') return 'unknown (role descriptors not returned before 8.5)';
  const text = formatPrivileges(e.privileges);
  return e.privilegeSource === 'owner' ? `inherits owner's: ${text}` : text;
}

function findingsCell(findings: readonly InventoryFinding[]): string {
  const worst = findings[0];
  if (!worst) return '-';
  return `${worst.severity} ${worst.rule}${findings.length > 1 ? ` +${findings.length - 1}` : ''}`;
}

function totalsLine(s: InventorySummary): string {
  const keys = `${plural(s.keys, 'key')} (${s.valid} valid, ${s.expired} expired, ${s.invalidated} invalidated; ${s.managed} managed, ${s.unmanaged} unmanaged)`;
  const f = s.findings;
  return `${keys}; findings: ${f.critical} critical, ${f.high} high, ${f.medium} medium, ${f.info} info`;
}

const HEADER = ['ID', 'NAME', 'OWNER', 'CREATED', 'AGE', 'EXPIRES', 'MANAGED', 'FINDINGS', 'PRIVILEGES'];

/**
 * How the inventory table gives way to a narrow terminal: CREATED is left out first (AGE says the
 * same), then privileges, names, owner, managed state and expiry are cut; if that is not enough,
 * PRIVILEGES and then OWNER are left out (`--wide` and `--json` show them). ID, AGE and FINDINGS
 * stay whole as long as anything else can give way: they are what the reader acts on.
 */
const FIT: readonly (ColumnFit | undefined)[] = [
  undefined,
  { shrink: 2, min: 10 },
  { shrink: 3, min: 8, drop: 7 },
  { drop: 0 },
  undefined,
  { shrink: 5, min: 10 },
  { shrink: 4, min: 9 },
  { shrink: 8, min: 12 },
  { shrink: 1, min: 12, drop: 6 },
];

const FINDINGS_COLUMN = 7;

/** Worst first: critical, high, medium, info, then keys without findings. */
const BUCKETS = 5;
const bucketOf = (severity: InventorySeverity | undefined) =>
  severity === undefined ? BUCKETS - 1 : BUCKETS - 2 - inventorySeverityRank(severity);

/** The colour of a severity: critical and high red, medium yellow, info dim. */
function severityPaint(severity: string, p: Palette): (s: string) => string {
  if (severity === 'critical' || severity === 'high') return p.bad;
  if (severity === 'medium') return p.warn;
  if (severity === 'info') return p.dim;
  return (s) => s;
}

/**
 * The terminal table: one key per line, worst finding first (critical keys at the top, keys
 * without findings last, scan order within a severity), then findings per rule, then totals.
 * Sorting needs every row before the first is printed, so the table keeps the rows' text
 * (not the keys); `--json` and `--format markdown` stream in scan order instead.
 */
export class TableRenderer implements InventoryRenderer {
  readonly #out: TextSink;
  readonly #err: TextSink;
  readonly #output: TerminalOutput;
  readonly #buckets: string[][][] = Array.from({ length: BUCKETS }, () => []);
  #header!: InventoryHeader;

  constructor(out: TextSink, err: TextSink, output: TerminalOutput = { palette: PLAIN }) {
    this.#out = out;
    this.#err = err;
    this.#output = output;
  }

  begin(h: InventoryHeader): void {
    this.#header = h;
  }

  key(e: InventoryEntry): void {
    const row = [
      maskId(e.id),
      e.name,
      ownerOf(e),
      day(e.created),
      humanizeDuration(e.ageMs).split(' ')[0] ?? '',
      expiresCell(e),
      managedCell(e),
      findingsCell(e.findings),
      privilegesCell(e),
    ];
    this.#buckets[bucketOf(e.findings[0]?.severity)]!.push(row);
  }

  #table(): string {
    const p = this.#output.palette;
    return renderTable(HEADER, this.#buckets.flat(), {
      fit: FIT,
      ...(this.#output.width !== undefined ? { width: this.#output.width } : {}),
      palette: p,
      paintCell: (text, column) =>
        column === FINDINGS_COLUMN ? severityPaint(text.split(' ')[0]!, p) : (s) => s,
    });
  }

  end({ summary, scan }: InventoryFooter): void {
    const h = this.#header;
    const width = this.#output.width;
    if (summary.keys === 0) {
      this.#out.write(
        `no API keys match: ${describeScope(h.filter)}${h.filter.all ? '' : ' (--all shows invalidated and expired ones)'}\n`,
      );
    } else this.#out.write(this.#table());
    this.#buckets.length = 0;
    const rules = summary.rules();
    if (rules.length > 0) {
      this.#out.write(`\n${this.#output.palette.bold('findings')}\n`);
      for (const r of rules) this.#out.write(ruleBlock(r, this.#output.palette, width));
    }
    this.#out.write(`\n${wrapWords(totalsLine(summary), width, '  ').join('\n')}\n`);
    for (const c of caveats(h, scan, true)) this.#err.write(`eskeys: warning: ${c}\n`);
  }
}

function ruleBlock(r: RuleSummary, p: Palette = PLAIN, width?: number): string {
  const examples = r.examples.map((e) => visible(`${e.name} (${maskId(e.id)})`)).join(', ');
  const more = r.keys > r.examples.length ? `, and ${r.keys - r.examples.length} more` : '';
  const indent = ' '.repeat(9);
  const label = r.severity.toUpperCase().padEnd(8);
  const [first = '', ...rest] = wrapWords(
    `${label} ${r.rule}: ${plural(r.keys, 'key')} (${examples}${more})`,
    width,
    indent,
  );
  return (
    [
      severityPaint(r.severity, p)(label) + first.slice(label.length),
      ...rest,
      ...wrapWords(`${indent}why: ${r.explanation}`, width, indent),
      ...wrapWords(`${indent}instead: ${r.alternative}`, width, indent),
    ].join('\n') + '\n'
  );
}

/** Machine form of one key (snake_case; stable field names). */
export function entryJson(e: InventoryEntry): Record<string, unknown> {
  return {
    id: e.id,
    name: e.name,
    type: e.type,
    owner: { username: e.owner.username, realm: e.owner.realm, realm_type: e.owner.realmType ?? null },
    created: iso(e.created),
    age_days: Math.floor(e.ageMs / 86_400_000),
    expiration: iso(e.expiration),
    invalidation: iso(e.invalidation),
    status: e.status,
    managed: e.managed
      ? {
          template: e.managed.template,
          environment: e.managed.environment,
          generation: e.managed.generation,
          state: e.managed.state,
          label: e.managed.label,
        }
      : null,
    privileges: {
      source: e.privilegeSource,
      cluster: e.privileges.cluster,
      indices: e.privileges.indices.map((l) => ({
        names: l.names,
        privileges: l.privileges,
        allow_restricted_indices: l.allowRestricted,
        dls: l.dls,
        fls: l.fls,
      })),
      run_as: e.privileges.runAs,
      applications: e.privileges.applications,
      remote: e.privileges.remote,
      roles: e.privileges.roles,
    },
    owner_roles: e.ownerRoles ?? null,
    metadata_keys: e.metadataKeys,
    findings: e.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      explanation: f.explanation,
      alternative: f.alternative,
      inherited: f.inherited,
    })),
  };
}

function summaryJson(s: InventorySummary): Record<string, unknown> {
  return {
    keys: s.keys,
    valid: s.valid,
    expired: s.expired,
    invalidated: s.invalidated,
    managed: s.managed,
    unmanaged: s.unmanaged,
    without_role_descriptors: s.inheriting,
    role_descriptors_not_returned: s.unreported,
    findings: { ...s.findings },
    keys_by_worst_severity: { ...s.keysByWorst },
    rules: s.rules().map((r) => ({
      rule: r.rule,
      severity: r.severity,
      keys: r.keys,
      title: r.title,
      explanation: r.explanation,
      alternative: r.alternative,
      examples: r.examples.map((e) => ({ id: e.id, name: e.name })),
    })),
  };
}

/**
 * One JSON document, written as it goes: header fields, then `keys` one per line, then
 * `summary` and `complete`. Valid JSON for `jq`, yet never built in memory as a whole.
 */
export class JsonRenderer implements InventoryRenderer {
  readonly #out: TextSink;
  #header!: InventoryHeader;
  #count = 0;

  constructor(out: TextSink) {
    this.#out = out;
  }

  begin(h: InventoryHeader): void {
    this.#header = h;
    const head = {
      generated_at: iso(h.generatedAt),
      cluster: h.cluster,
      filter: {
        all: h.filter.all === true,
        owner: h.filter.owner ?? null,
        realm: h.filter.realm ?? null,
        managed: h.filter.template ? 'managed' : (h.filter.managed ?? null),
        template: h.filter.template ?? null,
      },
    };
    const fields = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${safeJson(v)}`);
    this.#out.write(`{\n${fields.join(',\n')},\n  "keys": [`);
  }

  key(e: InventoryEntry): void {
    this.#out.write(`${this.#count++ === 0 ? '\n' : ',\n'}    ${safeJson(entryJson(e))}`);
  }

  end({ summary, scan }: InventoryFooter): void {
    const notes = caveats(this.#header, scan);
    const tail = {
      summary: summaryJson(summary),
      complete: this.#header.allOwners,
      limited_by_returned: scan.limitedByReturned,
      templates_checked: this.#header.templatesSkipped === undefined,
      notes,
    };
    const body = safeJson(tail, 2).slice(1, -1);
    this.#out.write(`${this.#count > 0 ? '\n  ' : ''}],${body}}\n`);
  }
}

/** Text for a Markdown table cell: no emphasis from `*`/`_` in index patterns, no broken cells. */
const escapeMd = (s: string) =>
  visible(s)
    .replace(/[\\`*_[\]]/g, '\\$&')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\n/g, ' ');
/** A code span for a table cell (GFM still needs `|` escaped inside it). */
const codeMd = (s: string) =>
  `\`${visible(s).replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\n/g, ' ')}\``;

/** A Markdown report to hand on: scope, keys table with every finding, findings by rule, totals. */
export class MarkdownRenderer implements InventoryRenderer {
  readonly #out: TextSink;
  #header!: InventoryHeader;
  #started = false;

  constructor(out: TextSink) {
    this.#out = out;
  }

  begin(h: InventoryHeader): void {
    this.#header = h;
    this.#out.write(
      `# API key inventory\n\n` +
        `- Cluster: ${h.cluster}\n` +
        `- Generated: ${iso(h.generatedAt)}\n` +
        `- Scope: ${describeScope(h.filter)}\n\n`,
    );
  }

  key(e: InventoryEntry): void {
    if (!this.#started) {
      this.#started = true;
      this.#out.write(
        '## Keys\n\n| Key | Owner | Created | Expires | Managed | Privileges | Findings |\n| --- | --- | --- | --- | --- | --- | --- |\n',
      );
    }
    const findings =
      e.findings.map((f) => `**${f.severity}** ${f.rule}: ${escapeMd(f.message)}`).join('<br>') || '—';
    const cells = [
      `${escapeMd(e.name)} (${codeMd(maskId(e.id))})`,
      escapeMd(ownerOf(e)),
      `${day(e.created)} (${humanizeDuration(e.ageMs).split(' ')[0]})`,
      expiresCell(e),
      escapeMd(managedCell(e)),
      codeMd(privilegesCell(e)),
      findings,
    ];
    this.#out.write(`| ${cells.join(' | ')} |\n`);
  }

  end({ summary, scan }: InventoryFooter): void {
    if (!this.#started) this.#out.write(`No API keys match the scope.\n`);
    const rules = summary.rules();
    this.#out.write('\n## Findings by rule\n\n');
    if (rules.length === 0) this.#out.write('None.\n');
    else {
      this.#out.write(
        renderMarkdownTable(
          ['Severity', 'Rule', 'Keys', 'Why it matters', 'Safer alternative'],
          rules.map((r) => [r.severity, r.rule, String(r.keys), r.explanation, r.alternative]),
        ),
      );
    }
    this.#out.write(`\n## Totals\n\n${totalsLine(summary)}.\n`);
    const notes = caveats(this.#header, scan);
    if (notes.length > 0) this.#out.write(`\n## Caveats\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
  }
}
