import { FormatError } from '../errors.js';

/**
 * The XML reader shared by GDAL_METADATA, the `.aux.xml` sidecar and SVG provenance: one pass over
 * the text with indexOf, each character looked at a bounded number of times, so a damaged document
 * (thousands of unclosed tags, a quote that never ends) costs no more than a good one of its size.
 */

/** One element of an XML document, as plain data. */
export interface XmlElement {
  name: string;
  /** Attribute values, unescaped. */
  attributes: Record<string, string>;
  /** Child elements, in document order. */
  children: XmlElement[];
  /** The element's own character data (not its children's), unescaped; CDATA sections as written. */
  text: string;
}

/** Options of {@link parseXml}. */
export interface ParseXmlOptions {
  /** What the text is, for errors (`GDAL_METADATA`, `sidecar`, `SVG`). Default `XML`. */
  what?: string;
  /** The file to name in errors. Default none. */
  file?: string;
}

/** Deepest nesting read (libxml2 stops at 256 too): a deeper document is damaged, not metadata. */
const MAX_DEPTH = 256;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
const isWord = (c: number) => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) || c === 0x5f;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/**
 * Undoes XML escapes: the five entities and numeric character references. Anything else that looks
 * like a reference (an unknown entity, a code point past U+10FFFF) is left as written. One pass with
 * indexOf: megabytes of `&amp;` take milliseconds.
 * @example unescapeXml('a &amp;lt; b') // "a &lt; b"
 */
export function unescapeXml(text: string): string {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (; amp >= 0; amp = text.indexOf('&', amp + 1)) {
    let value: string | undefined, end: number;
    if (text.charCodeAt(amp + 1) === 0x23 /* # */) {
      const hex = (text.charCodeAt(amp + 2) | 0x20) === 0x78 /* x or X */;
      const start = amp + (hex ? 3 : 2);
      end = start;
      while (end < text.length && (hex ? isHex(text.charCodeAt(end)) : isDigit(text.charCodeAt(end)))) end++;
      const code = end > start && text.charCodeAt(end) === 0x3b /* ; */ ? parseInt(text.slice(start, end), hex ? 16 : 10) : NaN;
      if (code <= 0x10ffff) value = String.fromCodePoint(code);
    } else {
      end = amp + 1;
      while (end < text.length && isWord(text.charCodeAt(end))) end++;
      const name = text.slice(amp + 1, end);
      if (text.charCodeAt(end) === 0x3b && Object.hasOwn(ENTITIES, name)) value = ENTITIES[name];
    }
    if (value === undefined) continue;
    parts.push(text.slice(from, amp), value);
    from = end + 1;
    amp = end;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/** XML name characters, near enough: letters, `_`, `:`, anything past Latin-1's symbols; then digits, `-` and `.` too. */
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0xc0;
const isName = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0xb7;

/**
 * Parses an XML document into its root element, in time linear in its length, and checks that it is
 * well formed as GDAL's own reader does: every element closed by its own end tag, quoted attributes
 * without `<`, one root, at most 256 levels deep. Comments, processing instructions and a DOCTYPE
 * are skipped; entities are unescaped with {@link unescapeXml}.
 * @throws FormatError `invalid <what>: <problem> at line L, column C (expected well-formed XML)`, naming the file.
 * @example parseXml('<GDALMetadata><Item name="a">1</Item></GDALMetadata>').children[0].attributes.name // "a"
 */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlElement {
  const n = text.length;
  const place = (at: number) => {
    let line = 1, start = 0;
    for (let k = text.indexOf('\n'); k >= 0 && k < at; k = text.indexOf('\n', k + 1)) { line++; start = k + 1; }
    return `line ${line}, column ${at - start + 1}`;
  };
  const fail = (problem: string): never => {
    throw new FormatError(`invalid ${options.what ?? 'XML'}: ${problem} (expected well-formed XML)`, options.file);
  };
  const shown = (name: string) => (name.length > 40 ? `${name.slice(0, 40)}…` : name);
  /** The index just past `close`, searched from `from`; `what` (opened at `at`) never ends without it. */
  const past = (from: number, close: string, what: string, at: number) => {
    const k = text.indexOf(close, from);
    return k < 0 ? fail(`${what} at ${place(at)} never ends`) : k + close.length;
  };
  /** The end of the name that starts at `at`. */
  const nameEnd = (at: number, tag: number) => {
    if (!isNameStart(text.charCodeAt(at))) fail(at >= n ? `the tag at ${place(tag)} never ends` : `a bad character in the tag at ${place(tag)}: ${JSON.stringify(text.charAt(at))}`);
    let k = at + 1;
    while (k < n && isName(text.charCodeAt(k))) k++;
    return k;
  };
  const skipSpace = (at: number) => { while (at < n && isSpace(text.charCodeAt(at))) at++; return at; };

  let root: XmlElement | null = null;
  const open: { element: XmlElement; at: number }[] = [];
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte order mark
  while (at < n) {
    const lt = text.indexOf('<', at);
    const stop = lt < 0 ? n : lt;
    if (stop > at) {
      const chunk = text.slice(at, stop);
      if (open.length) open[open.length - 1].element.text += unescapeXml(chunk);
      else if (!/^[ \t\r\n]*$/.test(chunk)) fail(`text outside the root element at ${place(at)}`);
    }
    if (lt < 0) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) at = past(lt + 4, '-->', 'the comment', lt);
      else if (text.startsWith('<![CDATA[', lt)) {
        at = past(lt + 9, ']]>', 'the CDATA section', lt);
        if (!open.length) fail(`a CDATA section outside the root element at ${place(lt)}`);
        open[open.length - 1].element.text += text.slice(lt + 9, at - 3);
      } else if (text.startsWith('<!DOCTYPE', lt) && !root) {
        // an internal subset in brackets may hold '>'; only space may follow it before the '>'
        const gt = text.indexOf('>', lt), bracket = text.indexOf('[', lt);
        if (bracket < 0 || (gt >= 0 && gt < bracket)) at = past(lt, '>', 'the DOCTYPE', lt);
        else {
          const end = skipSpace(past(bracket, ']', 'the DOCTYPE', lt));
          if (text.charCodeAt(end) !== 0x3e) fail(`the DOCTYPE at ${place(lt)} never ends`);
          at = end + 1;
        }
      } else fail(`an unknown declaration at ${place(lt)}`);
    } else if (next === 0x3f /* ? */) {
      at = past(lt + 2, '?>', 'the processing instruction', lt);
    } else if (next === 0x2f /* / */) {
      const end = nameEnd(lt + 2, lt);
      const name = text.slice(lt + 2, end);
      const gt = skipSpace(end);
      if (text.charCodeAt(gt) !== 0x3e) fail(gt >= n ? `the end tag </${shown(name)}> at ${place(lt)} never ends` : `a bad character in the end tag </${shown(name)}> at ${place(lt)}`);
      const top = open.pop();
      if (!top) fail(`the end tag </${shown(name)}> at ${place(lt)} closes nothing`);
      else if (top.element.name !== name) fail(`the end tag </${shown(name)}> at ${place(lt)} does not close <${shown(top.element.name)}> of ${place(top.at)}`);
      at = gt + 1;
    } else {
      if (root && !open.length) fail(`a second root element at ${place(lt)}`);
      const end = nameEnd(lt + 1, lt);
      const element: XmlElement = { name: text.slice(lt + 1, end), attributes: Object.create(null) as Record<string, string>, children: [], text: '' };
      let k = end, closed = false;
      for (;;) {
        const s = skipSpace(k);
        const c = text.charCodeAt(s);
        if (c === 0x3e /* > */) { k = s + 1; break; }
        if (c === 0x2f /* / */ && text.charCodeAt(s + 1) === 0x3e) { k = s + 2; closed = true; break; }
        if (s >= n) fail(`the tag <${shown(element.name)}> at ${place(lt)} never ends`);
        if (s === k) fail(`a bad character in the tag <${shown(element.name)}> at ${place(lt)}: ${JSON.stringify(text.charAt(s))}`);
        const attrEnd = nameEnd(s, lt);
        const attr = text.slice(s, attrEnd);
        const eq = skipSpace(attrEnd);
        if (text.charCodeAt(eq) !== 0x3d /* = */) fail(`the attribute ${shown(attr)} of <${shown(element.name)}> at ${place(lt)} has no value`);
        const q = skipSpace(eq + 1);
        const quote = text.charAt(q);
        if (quote !== '"' && quote !== "'") fail(`the attribute ${shown(attr)} of <${shown(element.name)}> at ${place(lt)} is not quoted`);
        const close = text.indexOf(quote, q + 1);
        if (close < 0) fail(`the value of ${shown(attr)} in <${shown(element.name)}> at ${place(lt)} never ends`);
        const raw = text.slice(q + 1, close);
        if (raw.includes('<')) fail(`a '<' in the value of ${shown(attr)} in <${shown(element.name)}> at ${place(lt)}`);
        if (attr in element.attributes) fail(`the attribute ${shown(attr)} twice in <${shown(element.name)}> at ${place(lt)}`);
        element.attributes[attr] = unescapeXml(raw);
        k = close + 1;
      }
      if (open.length) open[open.length - 1].element.children.push(element);
      else root = element;
      if (!closed) {
        if (open.length >= MAX_DEPTH) fail(`elements nested more than ${MAX_DEPTH} deep at ${place(lt)}`);
        open.push({ element, at: lt });
      }
      at = k;
    }
  }
  if (open.length) fail(`<${shown(open[open.length - 1].element.name)}> at ${place(open[open.length - 1].at)} is never closed`);
  if (!root) fail('no root element');
  return root!;
}

/**
 * The first element of a tree (depth first, the root included) that `test` accepts, or undefined;
 * iterative, so a deep tree cannot overflow the stack.
 * @example findXml(svg, (e) => e.attributes.id === 'permafrost-lab-provenance')
 */
export function findXml(root: XmlElement, test: (element: XmlElement) => boolean): XmlElement | undefined {
  const todo = [root];
  for (let e = todo.pop(); e; e = todo.pop()) {
    if (test(e)) return e;
    for (let k = e.children.length - 1; k >= 0; k--) todo.push(e.children[k]);
  }
  return undefined;
}
