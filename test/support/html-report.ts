import { type DefaultTreeAdapterTypes, type ParserError, parse } from 'parse5';

/**
 * An HTML report parsed as a browser would (parse5 implements the WHATWG parsing algorithm),
 * with the few queries the report tests need: elements by tag and class, their text, and every
 * place a page could reach outside itself.
 */

type Node = DefaultTreeAdapterTypes.Node;
export type Element = DefaultTreeAdapterTypes.Element;

/** The parsed document and the parse errors met (a well-formed page has none). */
export interface ParsedReport {
  readonly root: DefaultTreeAdapterTypes.Document;
  readonly errors: readonly string[];
}

/** Parses a page, collecting parse errors instead of silently recovering from them. */
export function parseReport(text: string): ParsedReport {
  const errors: string[] = [];
  const root = parse(text, {
    onParseError: (e: ParserError) => errors.push(`${e.code} at line ${e.startLine}`),
  });
  return { root, errors };
}

function isElement(n: Node): n is Element {
  return 'tagName' in n;
}

function children(n: Node): readonly Node[] {
  const own = 'childNodes' in n ? n.childNodes : [];
  // <template> keeps its content apart.
  return 'content' in n && n.content ? [...own, ...n.content.childNodes] : own;
}

/** Every element under `n` (document order) matching `tag` (any when omitted). */
export function all(n: Node, tag?: string): Element[] {
  const out: Element[] = [];
  const walk = (x: Node) => {
    for (const c of children(x)) {
      if (isElement(c) && (tag === undefined || c.tagName === tag)) out.push(c);
      walk(c);
    }
  };
  walk(n);
  return out;
}

/** An attribute's value, or undefined. */
export function attr(e: Element, name: string): string | undefined {
  return e.attrs.find((a) => a.name === name)?.value;
}

/** The element's classes. */
export function classes(e: Element): string[] {
  return (attr(e, 'class') ?? '').split(/\s+/).filter(Boolean);
}

/** The text content of a node, whitespace collapsed (`<br>` counts as a space). */
export function text(n: Node): string {
  let out = '';
  const walk = (x: Node) => {
    if (x.nodeName === '#text') out += (x as DefaultTreeAdapterTypes.TextNode).value;
    else if (isElement(x) && x.tagName === 'br') out += ' ';
    for (const c of children(x)) walk(c);
  };
  walk(n);
  return out.replace(/\s+/g, ' ').trim();
}

/** The rows of a table's body, each as its cells (th and td). */
export function bodyRows(table: Element): Element[][] {
  return all(table, 'tbody')
    .flatMap((b) => all(b, 'tr'))
    .map((tr) => tr.childNodes.filter(isElement).filter((c) => c.tagName === 'td' || c.tagName === 'th'));
}

/** The texts of a table's column headers. */
export function headers(table: Element): string[] {
  return all(table, 'thead').flatMap((h) => all(h, 'th').map(text));
}

/**
 * Everything that would make the page load, run or send something: script elements, event
 * handler attributes, any `src`/`href`/`action`/... that is not an in-page `#anchor`, and CSS
 * `url(...)` or `@import` in style elements and style attributes.
 */
export function activeOrExternal(root: Node): string[] {
  const found: string[] = [];
  const urlAttrs = ['src', 'href', 'srcset', 'action', 'formaction', 'poster', 'data', 'xlink:href', 'ping'];
  for (const e of all(root)) {
    if (['script', 'iframe', 'object', 'embed', 'link', 'base', 'img', 'form'].includes(e.tagName))
      found.push(`<${e.tagName}>`);
    for (const a of e.attrs) {
      if (/^on/i.test(a.name)) found.push(`${e.tagName}[${a.name}]`);
      if (urlAttrs.includes(a.name) && !a.value.startsWith('#'))
        found.push(`${e.tagName}[${a.name}=${a.value}]`);
      if (a.name === 'style' && /url\(|@import|expression\(/i.test(a.value))
        found.push(`${e.tagName}[style]`);
    }
    if (e.tagName === 'style' && /url\(|@import/i.test(text(e))) found.push('<style> with url()/@import');
    if (e.tagName === 'meta' && attr(e, 'http-equiv'))
      found.push(`meta[http-equiv=${attr(e, 'http-equiv')}]`);
  }
  return found;
}
