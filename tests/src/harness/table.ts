// Parses kubectl's column output (tabwriter, at least 3 spaces between columns; cells never hold two
// consecutive spaces, since empty cells print as <none>).

export interface ParsedTable {
  header: string[];
  rows: string[][];
}

export function parseTable(stdout: string): ParsedTable {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const split = (l: string) => l.trim().split(/\s{2,}/);
  const [first, ...rest] = lines;
  return { header: first ? split(first) : [], rows: rest.map(split) };
}

/** The row whose column `column` equals `value`, as a header→cell record. */
export function rowWhere(table: ParsedTable, column: string, value: string): Record<string, string> | undefined {
  const i = table.header.indexOf(column);
  const row = table.rows.find((r) => r[i] === value);
  if (!row) return undefined;
  return Object.fromEntries(table.header.map((h, j) => [h, row[j] ?? '']));
}
