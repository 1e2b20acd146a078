import type { ProbeReport } from '../../core/probes/types.js';
import { maskId } from '../../core/secret.js';
import { type ProbeRenderContext, probeName, summarise } from './probe-matrix.js';

/**
 * JUnit XML of a probe report, in the shape CI systems render (GitHub, GitLab, Jenkins):
 * `<testsuites><testsuite><testcase classname name time><failure|error message type>`.
 * A `fail` verdict is a `<failure>` (the key can do what it must not, or cannot do what it
 * must); an `error` verdict (neither 2xx nor 403) is an `<error>`, and so is an `inconclusive`
 * one (type `eskeys.inconclusive`: the cluster was busy on every try, the key was not judged).
 */

/** Escapes text for XML attributes and character data; drops characters XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

/** Renders one report as a JUnit document. */
export function renderJUnit(report: ProbeReport, rc: ProbeRenderContext = {}): string {
  const s = summarise(report);
  const suite = `eskeys.${report.template}`;
  const a = (name: string, value: string | number) => ` ${name}="${xmlEscape(String(value))}"`;
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const time = seconds(report.durationMs);
  lines.push(
    `<testsuites${a('name', 'eskeys verify')}${a('tests', s.total)}${a('failures', s.failed)}${a('errors', s.errors + s.inconclusive)}${a('time', time)}>`,
  );
  lines.push(
    `  <testsuite${a('name', `${suite} (${report.environment})`)}${a('tests', s.total)}${a('failures', s.failed)}${a('errors', s.errors + s.inconclusive)}${a('skipped', 0)}${a('time', time)}${a('timestamp', report.startedAt.toISOString().replace(/\.\d+Z$/, ''))}>`,
  );
  lines.push('    <properties>');
  const props: [string, string][] = [
    ['template', report.template],
    ['environment', report.environment],
    ['key_id', maskId(report.keyId)],
    ...(rc.keySource ? ([['key_source', rc.keySource]] as [string, string][]) : []),
    ['access', report.access ?? 'admin'],
    ['requests', String(report.requests)],
  ];
  for (const [k, v] of props) lines.push(`      <property${a('name', k)}${a('value', v)}/>`);
  lines.push('    </properties>');
  for (const r of report.results) {
    const open = `    <testcase${a('classname', suite)}${a('name', probeName(r))}${a('time', seconds(r.durationMs))}`;
    const body = [
      `${r.action}${r.index ? ` on ${r.index}` : ''}: expected ${r.expected === 'allow' ? '2xx' : '403 security_exception'}, got ${r.got} (${r.mode})`,
      ...(r.explanation ? [r.explanation] : []),
      ...(r.note ? [r.note] : []),
    ].join('\n');
    if (r.verdict === 'pass') {
      lines.push(
        r.note
          ? `${open}>\n      <system-out>${xmlEscape(r.note)}</system-out>\n    </testcase>`
          : `${open}/>`,
      );
      continue;
    }
    const tag = r.verdict === 'fail' ? 'failure' : 'error';
    const message =
      r.verdict === 'fail'
        ? r.expected === 'deny'
          ? `${r.op} was allowed but must be denied`
          : `${r.op} was denied but must be allowed`
        : r.verdict === 'inconclusive'
          ? `${r.op}: inconclusive, the cluster was busy (${r.got})`
          : `${r.op}: unexpected answer ${r.got}`;
    lines.push(`${open}>`);
    lines.push(
      `      <${tag}${a('message', message)}${a('type', r.verdict === 'fail' ? `eskeys.${r.expected}` : `eskeys.${r.verdict}`)}>${xmlEscape(body)}</${tag}>`,
    );
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
