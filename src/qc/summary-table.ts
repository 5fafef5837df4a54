// A package's summary table (汇总表) for 图数一致: rows of (行政区/坐落单位 or 权属单位 code, class code,
// area) read from CSV or XLSX, or handed over as a grid of cells by a reader that found the table
// elsewhere (a table inside a .gdb, read by the package importer). Long format only: one row per
// (district, class). The unit must be stated — in the area header (面积（公顷）), in a line above the
// header (单位：公顷) or in a row right under it — because a figure without a unit cannot be compared.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Invalid } from '../errors.ts';
import { parseCsv } from '../indicators/csv.ts';

export type AreaUnit = '平方米' | '公顷' | '亩';
/** m² per unit; 1 亩 = 10000/15 m² (the 市制 mu). */
export const M2_PER: Record<AreaUnit, number> = { 平方米: 1, 公顷: 10000, 亩: 10000 / 15 };

export interface SummaryRow {
  /** Line in the file (1-based, as the spreadsheet program numbers it). */
  line: number;
  district: string;
  districtName: string | null;
  cls: string;
  clsName: string | null;
  /** The figure as stated, in `unit`. */
  area: number;
}

export interface SummaryTable {
  /** The file's or table's name (no folder): what the report and the messages cite. */
  name: string;
  /** 'location': 行政区/坐落单位 codes (compared with ZLDWDM); 'owner': 权属单位 codes (QSDWDM). */
  districtKind: 'location' | 'owner';
  unit: AreaUnit;
  rows: SummaryRow[];
}

// Accepted headers (compared without spaces, case-insensitive for the Latin ones).
const LOCATION = ['行政区代码', '行政区划代码', '行政代码', '坐落单位代码', 'XZQDM', 'ZLDWDM'];
const OWNER = ['权属单位代码', 'QSDWDM'];
const CLASS = ['地类编码', '地类代码', 'DLBM', '用地用海代码', '用地用海分类代码', 'YDYHFLDM', '分类代码'];
const AREA = ['面积', '图斑地类面积', '地类面积', 'TBDLMJ'];
const DISTRICT_NAME = ['行政区名称', '行政区', '坐落单位名称', '权属单位名称', 'XZQMC', 'ZLDWMC', 'QSDWMC'];
const CLASS_NAME = ['地类名称', 'DLMC', '用地用海名称', '用地用海分类名称', 'YDYHFLMC'];

const UNIT_WORDS: [RegExp, AreaUnit][] = [
  [/^(公顷|hm²|hm2|ha)$/i, '公顷'],
  [/^(亩)$/, '亩'],
  [/^(平方米|m²|m2|㎡)$/i, '平方米'],
];
const unitOf = (s: string): AreaUnit | null => UNIT_WORDS.find(([re]) => re.test(s.trim()))?.[1] ?? null;

/** "面积（公顷）", "面积(亩)", "面积/平方米", "面积 m²" → the bare header and its unit. */
function splitHeader(h: string): { name: string; unit: AreaUnit | null } {
  const s = h.replace(/\s+/g, '');
  const m = /^(.*?)(?:[（(]([^）)]+)[）)]|[/／]([^/／]+)|(公顷|hm²|hm2|亩|平方米|m²|m2|㎡))$/i.exec(s);
  if (m) {
    const unit = unitOf(m[2] ?? m[3] ?? m[4] ?? '');
    if (unit) return { name: m[1], unit };
  }
  return { name: s, unit: null };
}

const is = (names: string[], h: string) => names.some((n) => n.toUpperCase() === h.toUpperCase());
const UNIT_LINE = /单位\s*[:：]\s*(公顷|hm²|hm2|ha|亩|平方米|m²|m2|㎡)/i;
const TOTAL = /^(合计|总计|小计|全市|全县|总面积)$/;

/**
 * The summary table in a grid of cell texts (first row of the grid = line 1 unless `lines` says
 * otherwise). Refused with the line named: no header row, no unit, a figure that is not a number,
 * the same (district, class) twice.
 */
export function summaryFromGrid(name: string, grid: string[][], lines?: number[]): SummaryTable {
  const lineOf = (i: number) => lines?.[i] ?? i + 1;
  const cells = grid.map((r) => r.map((c) => String(c ?? '').trim()));
  let head = -1;
  let cols: {
    district: number;
    kind: 'location' | 'owner';
    cls: number;
    area: number;
    dname: number;
    cname: number;
    unit: AreaUnit | null;
  } | null = null;
  for (let i = 0; i < cells.length && i < 20 && !cols; i++) {
    const hs = cells[i].map(splitHeader);
    const find = (names: string[]) => hs.findIndex((h) => is(names, h.name));
    const loc = find(LOCATION);
    const own = find(OWNER);
    const cls = find(CLASS);
    const area = find(AREA);
    if ((loc >= 0 || own >= 0) && cls >= 0 && area >= 0) {
      head = i;
      cols = {
        district: loc >= 0 ? loc : own,
        kind: loc >= 0 ? 'location' : 'owner',
        cls,
        area,
        dname: find(DISTRICT_NAME),
        cname: find(CLASS_NAME),
        unit: hs[area].unit,
      };
    }
  }
  if (!cols)
    throw new Invalid(
      `汇总表 ${name}：前 20 行中找不到表头（需要行政区代码/坐落单位代码/权属单位代码、地类编码/用地用海代码、面积三列） (no header row with district code, class code and area)`,
      { code: 'summary_table_invalid' },
    );
  let unit = cols.unit;
  for (let i = 0; i < head && !unit; i++) for (const c of cells[i]) unit ??= unitOf(UNIT_LINE.exec(c)?.[1] ?? '');
  let first = head + 1;
  // A unit row right under the header: the area column holds only a unit.
  const under = cells[head + 1];
  if (under && unitOf(under[cols.area] ?? '') && !/\d/.test(under[cols.district] ?? '')) {
    unit ??= unitOf(under[cols.area]);
    first++;
  }
  if (!unit)
    throw new Invalid(
      `汇总表 ${name}：未注明面积单位，请在表头写明（如“面积（公顷）”）或在表头上方注明“单位：公顷”（接受公顷、亩、平方米） (the area unit is not stated)`,
      { code: 'summary_table_invalid' },
    );
  const rows: SummaryRow[] = [];
  const seen = new Map<string, number>();
  for (let i = first; i < cells.length; i++) {
    const r = cells[i];
    const district = (r[cols.district] ?? '').replace(/\s+/g, '');
    const cls = (r[cols.cls] ?? '').replace(/\s+/g, '');
    const raw = (r[cols.area] ?? '').replace(/[,，\s]/g, '');
    if (r.every((c) => c === '')) continue;
    // Totals and subtotals are sums of the rows the rule compares one by one.
    if (!district || !cls || TOTAL.test(district) || TOTAL.test(cls)) continue;
    if (!/^-?\d+(\.\d+)?$/.test(raw))
      throw new Invalid(`汇总表 ${name} 第 ${lineOf(i)} 行：面积“${raw}”不是数字 (area is not a number)`, {
        code: 'summary_table_invalid',
      });
    const key = `${district}/${cls}`;
    if (seen.has(key))
      throw new Invalid(
        `汇总表 ${name} 第 ${lineOf(i)} 行：${district} / ${cls} 与第 ${seen.get(key)} 行重复 (the same district and class twice)`,
        { code: 'summary_table_invalid' },
      );
    seen.set(key, lineOf(i));
    rows.push({
      line: lineOf(i),
      district,
      districtName: cols.dname >= 0 ? r[cols.dname] || null : null,
      cls,
      clsName: cols.cname >= 0 ? r[cols.cname] || null : null,
      area: Number(raw),
    });
  }
  if (!rows.length) throw new Invalid(`汇总表 ${name}：表头下没有数据行 (no data rows)`, { code: 'summary_table_invalid' });
  return { name, districtKind: cols.kind, unit, rows };
}

function cellText(c: ExcelJS.Cell): string {
  const v = c.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v); // not c.text: a number format could round it
  if (typeof v === 'object' && 'result' in v) return v.result === undefined || v.result === null ? '' : String(v.result);
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((t) => t.text).join('');
  return c.text ?? String(v);
}

/** CSV text: UTF-8 (with or without BOM), else GBK as Excel on a Chinese Windows saves it. */
function csvText(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return iconv.decode(buf, 'gbk');
  }
}

/** Reads the summary table of a .csv or .xlsx file (first sheet). */
export async function readSummaryTable(path: string, buf: Buffer = readFileSync(path)): Promise<SummaryTable> {
  const name = basename(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return summaryFromGrid(name, parseCsv(csvText(buf)));
  if (ext !== '.xlsx')
    throw new Invalid(`汇总表 ${name}：只接受 .xlsx 或 .csv 文件 (send an .xlsx or .csv summary table)`, { code: 'summary_table_invalid' });
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch (e) {
    throw new Invalid(`汇总表 ${name}：不是有效的 XLSX 文件 (${(e as Error).message})`, { code: 'summary_table_invalid' });
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new Invalid(`汇总表 ${name}：没有工作表 (no sheet)`, { code: 'summary_table_invalid' });
  const grid: string[][] = [];
  const lines: number[] = [];
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    for (let c = 1; c <= ws.columnCount; c++) cells.push(cellText(row.getCell(c)));
    grid.push(cells);
    lines.push(line);
  });
  return summaryFromGrid(name, grid, lines);
}
