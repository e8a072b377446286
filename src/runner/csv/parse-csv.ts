/** CSV text → row objects for the `csv` action (RUNNER.md §7.2, RFC 4180). */

export type CsvRow = Record<string, string>;

interface RawRecord {
  cells: string[];
  /** The record is one unquoted cell holding only whitespace (a blank line). */
  blank: boolean;
}

/** Splits text into records: `,` separator, `"` quoting with `""` escapes, CRLF or LF row ends. */
function readRecords(text: string): RawRecord[] {
  const records: RawRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quotedRecord = false;
  let i = 0;
  const n = text.length;
  const endRecord = (): void => {
    cells.push(cell);
    records.push({ cells, blank: cells.length === 1 && !quotedRecord && cell.trim() === '' });
    cells = [];
    cell = '';
    quotedRecord = false;
  };
  while (i < n) {
    const ch = text[i];
    if (ch === '"' && cell === '') {
      // Quoted field: runs to the closing quote; `""` is a literal quote.
      quotedRecord = true;
      i++;
      while (i < n) {
        const q = text.indexOf('"', i);
        if (q === -1) {
          cell += text.slice(i);
          i = n;
          break;
        }
        cell += text.slice(i, q);
        if (text[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Text after the closing quote (not RFC 4180) is kept as part of the cell.
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      i++;
    } else if (ch === '\n') {
      endRecord();
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      endRecord();
      i += 2;
    } else {
      cell += ch;
      i++;
    }
  }
  if (cell !== '' || cells.length > 0 || quotedRecord) endRecord();
  return records;
}

/** Header names: blank cells → `column_<n>` (1-based); repeated names get `_2`, `_3`, … */
export function headerNames(cells: readonly string[]): string[] {
  const used = new Set<string>();
  return cells.map((cell, index) => {
    const base = cell.trim() === '' ? `column_${index + 1}` : cell;
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  });
}

/**
 * First non-blank row = header; each later row → an object (missing cells `""`, extra cells
 * dropped). Blank lines are skipped; an optional UTF-8 BOM is removed. Empty input → `[]`.
 */
export function parseCsv(text: string): CsvRow[] {
  const records = readRecords(text.startsWith('\uFEFF') ? text.slice(1) : text).filter((r) => !r.blank);
  if (records.length === 0) return [];
  const header = headerNames(records[0].cells);
  return records.slice(1).map((record) => Object.fromEntries(header.map((name, k) => [name, record.cells[k] ?? ''])));
}
