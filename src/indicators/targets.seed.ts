// The seed-003 target table (浙江省存量空间提质增效行动主要指标表, 2027 and 2030, 11 cities × 8
// indicators) from data/seed-003-targets.csv, whose cells are copied from the seed as printed:
// "47000" (亩), "100%", "≥62.5%", "≥1.5". A cell becomes a target with bound 'min' (every figure of the
// table is a floor to reach: 盘活, 再开发, 完成率, ≥…), value without the ≥ and %, and base year 2025
// (较2025年, seed 003 一套导引指标).
import type { TargetInput } from './indicators.repository.ts';
import { parseCsv } from './csv.ts';

interface Seed003 {
  file: string;
  baseYear: number;
  columns: Record<string, string>;
  source: string;
}

/** A printed cell as a number and bound: "≥62.5%" → 62.5 min; "≤3%" → 3 max; "47000" → 47000 min. */
export function parseCell(cell: string, where: string): { value: number; bound: 'min' | 'max' } {
  const m = /^\s*(≥|>=|≤|<=)?\s*([0-9]+(?:\.[0-9]+)?)\s*%?\s*$/.exec(cell);
  if (!m) throw new Error(`${where}: "${cell}" is not a target figure (expected e.g. 47000, 100%, ≥62.5%)`);
  return { value: Number(m[2]), bound: m[1] === '≤' || m[1] === '<=' ? 'max' : 'min' };
}

export function parseSeed003(text: string, s: Seed003, regions: Record<string, string>): TargetInput[] {
  const rows = parseCsv(
    text
      .split(/\r?\n/)
      .filter((l) => !l.startsWith('#'))
      .join('\n'),
  );
  const [header, ...body] = rows;
  const byName = new Map(Object.entries(regions).map(([code, name]) => [name, code]));
  const cols = header.slice(2).map((h, i) => {
    const code = s.columns[h];
    if (!code) throw new Error(`${s.file}: column ${i + 3} "${h}" is not mapped to an indicator`);
    return code;
  });
  const out: TargetInput[] = [];
  for (const [n, r] of body.entries()) {
    if (r.length === 1 && r[0] === '') continue;
    const where = `${s.file} line ${n + 3}`;
    const year = Number(r[0]);
    const region = byName.get(r[1]);
    if (!Number.isInteger(year)) throw new Error(`${where}: target year "${r[0]}"`);
    if (!region) throw new Error(`${where}: unknown city "${r[1]}"`);
    if (r.length !== header.length) throw new Error(`${where}: ${r.length} cells, expected ${header.length}`);
    cols.forEach((indicator, i) => {
      const { value, bound } = parseCell(r[i + 2], `${where}, ${header[i + 2]}`);
      out.push({
        indicator,
        region,
        regionName: r[1],
        year,
        value,
        bound,
        hard: false,
        baseYear: s.baseYear,
        baseline: null,
        source: s.source.replace('{year}', String(year)),
      });
    });
  }
  return out;
}
