// Boundary-point tables (界址点坐标表) in CSV or Excel: one row per point, columns 点号, X, Y and
// 地块 found by their Chinese or common names. X is the northing and Y the easting with its zone
// prefix, as in the coordinate TXT (domain.md §10). Rows of one parcel, in table order, make its
// rings: a ring closes when a point repeats its first point (or at the next 圈号), and later rings
// of the parcel are holes. CSV is parsed here; XLSX cells come from gdal3.js's XLSX driver.
import { basename } from 'node:path';
import { gkSrid } from '../../crs/zones.ts';
import { geometryToWkb, type Position } from '../../util/wkb.ts';
import { ImportError, memoryReader, type ReaderOptions, type SourceFeature, type SourceInfo, type SourceReader } from '../types.ts';
import { assertSize, pickLayer, readLayers } from './dataset.ts';
import type { GdalLoader } from './loader.ts';

export interface Table {
  /** The sheet (XLSX) or file name (CSV), for messages. */
  sheet: string;
  /** Cells by row; `line` is the row number a person sees (Excel row, CSV line). */
  rows: { line: number; cells: string[] }[];
}

/** Minimal RFC 4180 CSV: quoted fields with "" escapes and newlines; comma, semicolon or tab separated. */
export function parseCsv(text: string): string[][] {
  const first = text.split(/\r?\n/, 1)[0];
  const sep = [',', '\t', ';'].sort((a, b) => first.split(b).length - first.split(a).length)[0];
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === sep) {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

// Header names as bureaus write them, compared without spaces, brackets' contents and units.
const norm = (h: string) =>
  h
    .replace(/[（(【[].*?[)）】\]]/g, '')
    .replace(/[\s_\-:：]/g, '')
    .replace(/坐标$|值$/, '')
    .toLowerCase();
const COLUMNS = {
  point: ['点号', '界址点号', '界址点', '点名', '点位', '拐点号', 'point', 'pt', 'pointno', 'name'],
  x: ['x', '纵', '北', 'n', 'north', 'northing', '北坐标', 'x北'],
  y: ['y', '横', '东', 'e', 'east', 'easting', '东坐标', 'y东'],
  parcel: ['地块', '地块编号', '地块号', '地块名称', '宗地号', '宗地编号', '宗地代码', '图斑编号', 'parcel', 'parcelid', 'dkbh', 'zdh'],
  ring: ['圈号', '环号', 'ring', 'part'],
};
const WANT = { point: '点号/界址点号', x: 'X（纵坐标，北）', y: 'Y（横坐标，东，带带号）', parcel: '地块/地块编号' };
const matches = (h: string, names: string[]) => names.includes(norm(h)) || names.includes(norm(h).replace(/坐标/, ''));

/** Header row (the first of the first 10 with an X and a Y column) and the column of each role. */
function findColumns(file: string, t: Table) {
  for (const r of t.rows.slice(0, 10)) {
    const at = (names: string[]) => r.cells.findIndex((c) => matches(c, names));
    const cols = { point: at(COLUMNS.point), x: at(COLUMNS.x), y: at(COLUMNS.y), parcel: at(COLUMNS.parcel), ring: at(COLUMNS.ring) };
    const found = [cols.point, cols.x, cols.y, cols.parcel].filter((c) => c >= 0).length;
    if (found >= 2) {
      const missing = (['point', 'x', 'y', 'parcel'] as const).filter((k) => cols[k] < 0).map((k) => WANT[k]);
      if (missing.length)
        throw new ImportError({
          file,
          line: r.line,
          reason: `${t.sheet} 第 ${r.line} 行表头缺少列：${missing.join('、')}；表头为：${r.cells.filter(Boolean).join('、')}。界址点坐标表须有 点号、X、Y、地块 四列 (missing column: ${missing.join(', ')})`,
        });
      return { header: r.line, cols };
    }
  }
  throw new ImportError({
    file,
    reason: `${t.sheet} 前 10 行中找不到表头：界址点坐标表须有 ${Object.values(WANT).join('、')} 四列 (no header row with 点号, X, Y, 地块)`,
  });
}

const NUM = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function tableToFeatures(file: string, t: Table, forcedSrid?: number): { features: SourceFeature[]; info: Partial<SourceInfo> } {
  const { header, cols } = findColumns(file, t);
  interface Pt {
    name: string;
    x: number;
    y: number;
    ring: string;
    line: number;
  }
  const parcels = new Map<string, Pt[]>();
  for (const r of t.rows) {
    if (r.line <= header || r.cells.every((c) => c.trim() === '')) continue;
    const cell = (i: number) => (r.cells[i] ?? '').trim();
    const parcel = cell(cols.parcel);
    const xs = cell(cols.x).replace(/,/g, '');
    const ys = cell(cols.y).replace(/,/g, '');
    const at = `${t.sheet} 第 ${r.line} 行`;
    if (!parcel) throw new ImportError({ file, line: r.line, reason: `${at}：地块编号为空 (empty parcel id)` });
    if (!NUM.test(xs) || !NUM.test(ys))
      throw new ImportError({
        file,
        line: r.line,
        feature: parcel,
        reason: `${at}：X「${xs}」或 Y「${ys}」不是数字 (X or Y is not a number)`,
      });
    const x = Number(xs);
    const y = Number(ys);
    // X (northing) has 7 digits in China; an 8-digit X with a 7-digit Y is the easting written first.
    if (x >= 1e7 && y >= 1e6 && y < 1e7)
      throw new ImportError({
        file,
        line: r.line,
        feature: parcel,
        reason: `${at}：X=${xs} 像带带号的横坐标（东）、Y=${ys} 像纵坐标（北）：X、Y 两列可能填反了；界址点表中 X 为纵坐标（北）、Y 为横坐标（东）(X and Y look swapped)`,
      });
    const list = parcels.get(parcel) ?? [];
    list.push({ name: cell(cols.point), x, y, ring: cols.ring >= 0 ? cell(cols.ring) : '', line: r.line });
    parcels.set(parcel, list);
  }
  if (parcels.size === 0) throw new ImportError({ file, reason: `${t.sheet} 表头之后没有界址点 (no points after the header)` });

  const warnings: string[] = [];
  const features: SourceFeature[] = [];
  const ys: number[] = [];
  for (const [id, pts] of parcels) {
    const rings: Position[][] = [];
    let cur: Pt[] = [];
    const finish = () => {
      if (cur.length === 0) return;
      const c: Position[] = cur.map((p) => [p.y, p.x]);
      const [a, z] = [c[0], c[c.length - 1]];
      if (a[0] !== z[0] || a[1] !== z[1]) {
        c.push([a[0], a[1]]);
        warnings.push(
          `地块 ${id} 第 ${rings.length + 1} 圈（第 ${cur[0].line}–${cur[cur.length - 1].line} 行）未回到起点，已自动闭合 (ring closed)`,
        );
      }
      rings.push(c);
      cur = [];
    };
    for (const p of pts) {
      if (cur.length && cols.ring >= 0 && p.ring !== cur[0].ring) finish();
      cur.push(p);
      ys.push(p.y);
      const first = cur[0];
      if (cur.length > 3 && ((p.name && p.name === first.name) || (p.x === first.x && p.y === first.y))) finish();
    }
    finish();
    features.push({
      fid: id,
      wkb: geometryToWkb({ type: 'Polygon', coordinates: rings }),
      props: { 地块编号: id, 界址点数: pts.length },
      location: `${t.sheet} 第 ${pts[0].line} 行起`,
    });
  }
  const info: Partial<SourceInfo> = { geometryType: 'POLYGON', featureCount: features.length, warnings };
  const zones = new Set(ys.map((y) => Math.floor(y / 1e6)));
  const [zone] = [...zones];
  if (zones.size === 1 && zone >= 25 && zone <= 45) {
    info.srid = gkSrid(3, zone, true);
    info.sridSource = `${basename(file)}：Y 坐标前两位为带号 ${zone}，按 CGCS2000 3° 高斯-克吕格第 ${zone} 带 (EPSG:${info.srid}) (Y carries zone prefix ${zone})`;
  } else if (forcedSrid === undefined) {
    throw new ImportError({
      file,
      reason:
        zones.size > 1
          ? `${t.sheet} 的 Y 坐标带号不一致（${[...zones].join('、')}）(Y prefixes disagree)`
          : `${t.sheet} 的 Y 坐标不带两位带号，无法判断投影带：请用 --srid 指定（如 4549 = CGCS2000 3° 第 40 带不带带号）(no zone prefix: pass --srid)`,
    });
  }
  return { features, info };
}

export function pointTableReader(
  path: string,
  format: 'csv' | 'xlsx',
  t: Table,
  size: number,
  opts: ReaderOptions,
  encoding?: string,
): SourceReader {
  const { features, info } = tableToFeatures(path, t, opts.srid);
  return memoryReader({ path, format, totalBytes: size, ...(encoding ? { encoding } : {}), ...info }, features);
}

/** An Excel workbook: the sheet named by --source-layer, else the only sheet with rows. */
export async function openXlsx(path: string, opts: ReaderOptions, loader: GdalLoader): Promise<SourceReader> {
  const size = await assertSize(path, path, 'XLSX');
  // HEADERS=DISABLE: every row comes as data, so a title row above the header is allowed.
  const { chosen } = await readLayers(
    loader,
    { path, openOptions: ['HEADERS=DISABLE', 'FIELD_TYPES=STRING'], shown: path, kind: 'XLSX' },
    (sheets) => [pickLayer(path, 'XLSX 工作簿', sheets, opts.layer)],
  );
  const { layer, features } = chosen[0];
  const rows = features.map((f, i) => {
    const p = f.properties ?? {};
    // The driver names columns Field1, Field2, …; the row is the feature id (1-based) when given.
    const n = Object.keys(p).reduce((m, k) => Math.max(m, Number(/^Field(\d+)$/.exec(k)?.[1] ?? 0)), 0);
    const cells = Array.from({ length: n }, (_, k) =>
      p[`Field${k + 1}`] === null || p[`Field${k + 1}`] === undefined ? '' : String(p[`Field${k + 1}`]),
    );
    return { line: typeof f.id === 'number' ? f.id : i + 1, cells };
  });
  return pointTableReader(path, 'xlsx', { sheet: `工作表 ${layer.name}`, rows }, size, opts);
}
