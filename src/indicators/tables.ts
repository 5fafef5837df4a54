// Spreadsheets in and out (targets and statistics): XLSX through exceljs, CSV through csv.ts. A table
// is read as header → cell text per row, with the line number the bureau sees in its program, so a
// problem names the file, the line and the column.
import ExcelJS from 'exceljs';
import { extname } from 'node:path';
import { Invalid } from '../errors.ts';
import { parseCsv, toCsv } from './csv.ts';

export interface TableRow {
  line: number;
  cells: Record<string, string>;
}

export type Cell = string | number | boolean | null | undefined;

function cellText(c: ExcelJS.Cell): string {
  const v = c.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v); // not c.text: a number format could round it
  if (typeof v === 'object' && 'result' in v) return v.result === undefined || v.result === null ? '' : String(v.result);
  return c.text ?? String(v);
}

/** Reads the first sheet of an .xlsx or a .csv file; `aliases` maps every accepted header to a field. */
export async function readTable(buf: Buffer, name: string, aliases: Record<string, string>): Promise<TableRow[]> {
  const ext = extname(name).toLowerCase();
  let grid: { line: number; cells: string[] }[];
  if (ext === '.xlsx') {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(buf as unknown as Parameters<typeof wb.xlsx.load>[0]);
    } catch (e) {
      throw new Invalid(`${name}: 不是有效的 XLSX 文件 (not a readable .xlsx: ${(e as Error).message})`, { code: 'bad_file' });
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new Invalid(`${name}: 没有工作表 (the workbook has no sheet)`, { code: 'bad_file' });
    grid = [];
    ws.eachRow({ includeEmpty: false }, (row, line) => {
      const cells: string[] = [];
      for (let c = 1; c <= ws.columnCount; c++) cells.push(cellText(row.getCell(c)).trim());
      grid.push({ line, cells });
    });
  } else if (ext === '.csv' || ext === '.txt') {
    grid = parseCsv(buf.toString('utf8')).map((cells, i) => ({ line: i + 1, cells: cells.map((c) => c.trim()) }));
  } else {
    throw new Invalid(`${name}: 只接受 .xlsx 或 .csv 文件 (send an .xlsx or .csv file)`, { code: 'bad_file' });
  }
  grid = grid.filter((r) => r.cells.some((c) => c !== '') && !r.cells[0].startsWith('#'));
  if (!grid.length) throw new Invalid(`${name}: 文件为空 (the file has no rows)`, { code: 'bad_file' });
  const [head, ...body] = grid;
  const fields = head.cells.map((h) => aliases[h] ?? aliases[h.toLowerCase()] ?? null);
  const unknown = head.cells.filter((h, i) => h && !fields[i]);
  if (unknown.length) {
    throw new Invalid(
      `${name} 第 ${head.line} 行: 不认识的列 ${unknown.map((u) => `“${u}”`).join('、')} (unknown columns; known: ${[...new Set(Object.keys(aliases))].join(', ')})`,
      { code: 'bad_file' },
    );
  }
  return body.map((r) => ({
    line: r.line,
    cells: Object.fromEntries(fields.map((f, i) => [f, r.cells[i] ?? '']).filter(([f]) => f)) as Record<string, string>,
  }));
}

/** One sheet with a bold header row, frozen, columns sized to their content. */
export function addSheet(wb: ExcelJS.Workbook, title: string, header: string[], rows: Cell[][], widths?: number[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header);
  for (const r of rows) ws.addRow(r.map((v) => (v === undefined ? null : v)));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF6' } };
  header.forEach((h, i) => {
    const longest = Math.max(
      h.length * 2,
      ...rows.map((r) => String(r[i] ?? '').length * (/[\u4e00-\u9fff]/.test(String(r[i] ?? '')) ? 2 : 1)),
    );
    ws.getColumn(i + 1).width = widths?.[i] ?? Math.min(60, Math.max(8, longest + 2));
  });
  return ws;
}

export async function writeTable(format: 'xlsx' | 'csv', title: string, header: string[], rows: Cell[][]): Promise<Buffer> {
  if (format === 'csv') return Buffer.from(toCsv([header, ...rows]), 'utf8');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'onemap';
  addSheet(wb, title, header, rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
