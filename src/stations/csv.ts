/** A parsed delimited-text table: header, rows of fields, and the line each row starts on. */
export interface TextTable {
  header: string[];
  rows: string[][];
  /** 1-based line number of each row in the text. */
  lines: number[];
  delimiter: string;
}

/**
 * Parses CSV/TSV text: detects the delimiter (comma, semicolon, tab or bar) from the header,
 * strips a byte-order mark, handles quoted fields with doubled quotes and line breaks, skips blank
 * lines, and keeps each row's line number for messages.
 */
export function parseDelimited(text: string, delimiter?: string): TextTable {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const [best, count] = [',', '\t', ';', '|'].map((d) => [d, countOutsideQuotes(firstLine, d)] as const).sort((a, b) => b[1] - a[1])[0];
  const sep = delimiter ?? (count > 0 ? best : ',');
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
    delimiter: sep,
  };
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0, q = false;
  for (const ch of line) { if (ch === '"') q = !q; else if (ch === d && !q) n++; }
  return n;
}
