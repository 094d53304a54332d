/** A parsed delimited-text table: header, rows of fields, and the line each row starts on. */
export interface TextTable {
  header: string[];
  rows: string[][];
  /** 1-based line number of each row in the text. */
  lines: number[];
  /** 1-based line number of the header. */
  header_line: number;
  delimiter: string;
}

/**
 * Parses CSV/TSV text: detects the delimiter (comma, semicolon, tab or bar: the one found outside
 * quotes the same number of times on most of the first 30 lines, so that a title line above the
 * header does not decide), strips a byte-order mark, handles quoted fields with doubled quotes and
 * line breaks, CR, LF and CRLF line ends, skips blank lines, and keeps each row's line number for
 * messages.
 * @example parseDelimited('site;lat\nU1;71,3\n').rows // [['U1', '71,3']]
 */
export function parseDelimited(text: string, delimiter?: string): TextTable {
  const body = text.replace(/^\uFEFF/, '');
  const sep = delimiter ?? detectDelimiter(body.split(/\r\n|\r|\n/, 30).filter((l) => l.trim() !== ''));
  const records: { fields: string[]; line: number }[] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  const endRecord = () => {
    fields.push(field);
    if (any || fields.length > 1 || field.trim() !== '') records.push({ fields, line: start });
    fields = []; field = ''; any = false;
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"') {
        if (body[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.trim() === '') { quoted = true; field = ''; any = true; continue; }
    if (ch === sep) { fields.push(field); field = ''; any = true; continue; }
    if (ch === '\r' && body[i + 1] === '\n') continue;
    if (ch === '\n' || ch === '\r') { endRecord(); line++; start = line; continue; }
    field += ch;
  }
  if (field !== '' || fields.length) endRecord();
  const [head, ...rest] = records;
  return {
    header: (head?.fields ?? []).map((h) => h.trim()),
    rows: rest.map((r) => r.fields),
    lines: rest.map((r) => r.line),
    header_line: head?.line ?? 1,
    delimiter: sep,
  };
}

/** The delimiter whose count per line (outside quotes) is the same, and not zero, on the most lines; ties go to the larger count. */
function detectDelimiter(lines: string[]): string {
  let best = ',', bestScore = [0, 0];
  for (const d of [',', '\t', ';', '|']) {
    const counts = new Map<number, number>();
    for (const line of lines) { const n = countOutsideQuotes(line, d); if (n > 0) counts.set(n, (counts.get(n) ?? 0) + 1); }
    for (const [n, lineCount] of counts) {
      if (lineCount > bestScore[0] || (lineCount === bestScore[0] && n > bestScore[1])) { best = d; bestScore = [lineCount, n]; }
    }
  }
  return best;
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0, q = false;
  for (const ch of line) { if (ch === '"') q = !q; else if (ch === d && !q) n++; }
  return n;
}
