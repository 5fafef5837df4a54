// npm run bench:qc — 成果质检 at scale (issue 17): a ≥500,000-feature DLTB-like layer that
// partitions four XZQ districts, with planted errors of each kind, is checked by onemap's quality
// check (qcLayer on the stored version) for 无压盖, 无缝隙, 地类编码 and TBMJ, and by the naive
// single statements a GIS analyst would write (self-join with ST_Intersects, XZQ minus ST_Union of
// every 图斑, NOT IN, abs(TBMJ − area)) in the same run, with the same tolerances. The error sets
// must be equal — and equal to what was planted — or the bench exits non-zero. Medians over
// ONEMAP_BENCH_RUNS runs (default 3): the machines are shared and noisy.
//
// Why the stored version: both doors (a file before 入库, a version in the store) fill the same
// subject table and then run the same rules (qc.repository.ts); the file door adds reading and
// staging, which bench:import measures. Generating the layer in SQL and writing it through the
// store's own version writer keeps the set-up to seconds instead of a 500,000-feature file import.
import { randomBytes } from 'node:crypto';
import { openDb, type Db, type Queryable } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { applyIncoming, createStage, dropStage, insertVersion, versionTotals } from '../src/store/store.repository.ts';
import { layerRef } from '../src/qc/qc.repository.ts';
import { qcLayer } from '../src/qc/qc.service.ts';
import { defaultQcSetup } from '../src/qc/engine.ts';
import { median } from './ogr.ts';

const N = Number(process.env.ONEMAP_BENCH_FEATURES ?? 500_000);
const RUNS = Number(process.env.ONEMAP_BENCH_RUNS ?? 3);
// The naive statements take minutes at 500,000 features (the self-join alone ≈ 10 min): one run by
// default, ONEMAP_BENCH_NAIVE_RUNS for more. Every onemap run is compared with the naive answer.
const NAIVE_RUNS = Math.min(RUNS, Number(process.env.ONEMAP_BENCH_NAIVE_RUNS ?? 1));
const URL_ = process.env.ONEMAP_BENCH_DATABASE_URL ?? process.env.DATABASE_URL;

// ONEMAP_BENCH_PGLITE=1 runs it on embedded PGlite instead (in memory; use a smaller size).
const PGLITE = process.env.ONEMAP_BENCH_PGLITE === '1';

if (!URL_ && !PGLITE) {
  console.error(
    'bench:qc needs PostgreSQL: set ONEMAP_BENCH_DATABASE_URL (or DATABASE_URL), e.g. postgres://onemap:onemap@localhost:5432/onemap_bench — or ONEMAP_BENCH_PGLITE=1 ONEMAP_BENCH_FEATURES=20000 for embedded PGlite',
  );
  process.exit(1);
}

const RULES = ['DLTB.no-overlap', 'DLTB.no-gap', 'DLTB.DLBM', 'DLTB.TBMJ'] as const;
type Rule = (typeof RULES)[number];

// The grid: ROWS × COLS cells of D degrees (≈ 48 m × 55 m at 30°N), ROWS ≈ COLS / 2, split into
// four XZQ districts along column CI and row CJ.
const ROWS = Math.max(20, Math.round(Math.sqrt(N / 2)));
const COLS = Math.ceil(N / ROWS);
const CI = Math.floor(COLS / 2);
const CJ = Math.floor(ROWS / 2);
const LON0 = 119.9;
const LAT0 = 30.0;
const D = 0.0005;
const XZQ = [
  ['330102', '上城区', 0, 0, CI, CJ],
  ['330105', '拱墅区', CI, 0, COLS, CJ],
  ['330106', '西湖区', 0, CJ, CI, ROWS],
  ['330108', '滨江区', CI, CJ, COLS, ROWS],
] as const;

/**
 * Planted errors. Every 20th cell in both directions, away from the edges and the district lines,
 * gets a role by its order (role = n mod 10); other cells are correct:
 *  0 bulges 3 m into its east neighbour (an overlap of ≈ 14 m²)
 *  1 bulges 1 mm into it (an overlap of ≈ 2e-6 m², under the rule's 0.01 m²: not an error)
 *  2 is missing (a gap: the whole cell)
 *  3 is shrunk by 2 m (a gap: a ring around it)
 *  4 is shrunk by 1e-9° ≈ 0.1 mm (a sliver the rule ignores: not an error)
 *  5, 6 have a DLBM outside the 三调 list (0105, 1299)
 *  7 declares TBMJ 2 % above its ellipsoidal area; 9 0.06 % (beyond max(1 m², 0.05 %))
 *  8 declares it 0.04 % above (within the tolerance: not an error)
 */
const onLine = (i: string, j: string) => `${i} IN (0, ${COLS}, ${CI}) OR ${j} IN (0, ${ROWS}, ${CJ})`;
const GENERATE = `
  CREATE FUNCTION bench_h(i int, j int, s int) RETURNS float8 IMMUTABLE LANGUAGE sql AS $$
    SELECT (((((i::bigint * 73856093) # (j::bigint * 19349663) # (s::bigint * 83492791)) & 2147483647) * 48271 % 2147483647) * 48271 % 2147483647)::float8 / 2147483647 $$;
  -- Grid corner (i, j), jittered except on the outer edge and the district lines, so that the
  -- districts' straight edges pass exactly through the cells' vertices.
  CREATE FUNCTION bench_c(i int, j int) RETURNS geometry IMMUTABLE LANGUAGE sql AS $$
    SELECT ST_MakePoint(${LON0} + ${D} * (i + CASE WHEN ${onLine('i', 'j')} THEN 0 ELSE 0.3 * (bench_h(i, j, 1) - 0.5) END),
                        ${LAT0} + ${D} * (j + CASE WHEN ${onLine('i', 'j')} THEN 0 ELSE 0.3 * (bench_h(i, j, 2) - 0.5) END)) $$;
  -- The vertex half-way along the edge east of corner (i, j), moved north or south off the line;
  -- the one half-way along the edge north of it, moved east or west. Neighbours share both.
  CREATE FUNCTION bench_e(i int, j int) RETURNS geometry IMMUTABLE LANGUAGE sql AS $$
    SELECT ST_MakePoint((ST_X(a) + ST_X(b)) / 2,
                        (ST_Y(a) + ST_Y(b)) / 2 + CASE WHEN j IN (0, ${ROWS}, ${CJ}) THEN 0 ELSE ${D} * 0.1 * (bench_h(i, j, 3) - 0.5) END)
      FROM (SELECT bench_c(i, j) AS a, bench_c(i + 1, j) AS b) p $$;
  CREATE FUNCTION bench_n(i int, j int) RETURNS geometry IMMUTABLE LANGUAGE sql AS $$
    SELECT ST_MakePoint((ST_X(a) + ST_X(b)) / 2 + CASE WHEN i IN (0, ${COLS}, ${CI}) THEN 0 ELSE ${D} * 0.1 * (bench_h(i, j, 4) - 0.5) END,
                        (ST_Y(a) + ST_Y(b)) / 2)
      FROM (SELECT bench_c(i, j) AS a, bench_c(i, j + 1) AS b) p $$;
  CREATE FUNCTION bench_cell(i int, j int) RETURNS geometry IMMUTABLE LANGUAGE sql AS $$
    SELECT ST_MakePolygon(ST_MakeLine(ARRAY[bench_c(i, j), bench_e(i, j), bench_c(i + 1, j), bench_n(i + 1, j),
                                            bench_c(i + 1, j + 1), bench_e(i, j + 1), bench_c(i, j + 1), bench_n(i, j), bench_c(i, j)])) $$;
  CREATE UNLOGGED TABLE bench_cells AS
    SELECT k, i, j, role,
           CASE role
             WHEN 0 THEN ST_Union(bench_cell(i, j), ST_Buffer(bench_n(i + 1, j), 3e-5))
             WHEN 1 THEN ST_Union(bench_cell(i, j), ST_Buffer(bench_n(i + 1, j), 1e-8))
             WHEN 2 THEN NULL
             WHEN 3 THEN ST_Buffer(bench_cell(i, j), -2e-5)
             WHEN 4 THEN ST_Buffer(bench_cell(i, j), -1e-9)
             ELSE bench_cell(i, j) END AS geom
      FROM (SELECT k, i, j,
                   CASE WHEN i % 20 = 7 AND j % 20 = 7 AND i < ${COLS} - 2 AND j < ${ROWS} - 2 AND abs(i - ${CI}) > 2 AND abs(j - ${CJ}) > 2
                        THEN ((j / 20) * ${Math.ceil(COLS / 20)} + i / 20) % 10 END AS role
              FROM (SELECT k, (k % ${COLS})::int AS i, (k / ${COLS})::int AS j FROM generate_series(0, ${ROWS * COLS - 1}) k) g) c;
`;

const CLASSES = [
  ['0101', '水田'],
  ['0102', '水浇地'],
  ['0103', '旱地'],
  ['0201', '果园'],
  ['0301', '乔木林地'],
  ['0601', '工业用地'],
  ['0702', '农村宅基地'],
  ['1006', '农村道路'],
  ['1104', '坑塘水面'],
  ['1107', '沟渠'],
];

const STAGE_XZQ = `
  INSERT INTO onemap_stage (seq, fid, geom, props)
  SELECT n, code, ST_MakePolygon(ST_MakeLine(ARRAY[bench_c(i0, j0), bench_c(i1, j0), bench_c(i1, j1), bench_c(i0, j1), bench_c(i0, j0)])),
         jsonb_build_object('XZQDM', code, 'XZQMC', name)
    FROM (VALUES ${XZQ.map((x, n) => `(${n + 1}, '${x[0]}', '${x[1]}', ${x[2]}, ${x[3]}, ${x[4]}, ${x[5]})`).join(', ')}) v(n, code, name, i0, j0, i1, j1)`;

// TBMJ is the ellipsoidal area (onemap_area, decision 0011) to 0.01 m², off on purpose for roles 7-9.
const STAGE_DLTB = `
  INSERT INTO onemap_stage (seq, fid, geom, props)
  SELECT k + 1, bsm, geom,
         jsonb_build_object('BSM', bsm, 'DLBM', dlbm, 'DLMC', dlmc, 'ZLDWDM', xzq || '001001', 'QSDWDM', xzq || '0010010000000',
                            'TBMJ', round((onemap_area(geom) * CASE role WHEN 7 THEN 1.02 WHEN 8 THEN 1.0003 WHEN 9 THEN 1.0008 ELSE 1 END)::numeric, 2))
    FROM (SELECT k, role, geom, '330100' || lpad((k + 1)::text, 12, '0') AS bsm,
                 CASE role WHEN 5 THEN '0105' WHEN 6 THEN '1299' ELSE (ARRAY[${CLASSES.map((c) => `'${c[0]}'`).join(', ')}])[1 + (bench_h(i, j, 5) * ${CLASSES.length})::int % ${CLASSES.length}] END AS dlbm,
                 (ARRAY[${CLASSES.map((c) => `'${c[1]}'`).join(', ')}])[1 + (bench_h(i, j, 5) * ${CLASSES.length})::int % ${CLASSES.length}] AS dlmc,
                 CASE WHEN j < ${CJ} THEN CASE WHEN i < ${CI} THEN '${XZQ[0][0]}' ELSE '${XZQ[1][0]}' END
                      ELSE CASE WHEN i < ${CI} THEN '${XZQ[2][0]}' ELSE '${XZQ[3][0]}' END END AS xzq
            FROM bench_cells WHERE geom IS NOT NULL) c`;

interface Planted {
  cells: number;
  features: number;
  byRole: number[];
}

/** Writes `stageSql`'s features as version 1 of layer `code`, through the store's version writer. */
async function writeVersion(tx: Queryable, code: string, stageSql: string): Promise<number> {
  const ref = await layerRef(tx, code);
  if (!ref) throw new Error(`no layer ${code} in the default catalogue`);
  await createStage(tx);
  await tx.query(stageSql);
  const counts = await applyIncoming(tx, ref.id, 1, 4490, false);
  const totals = await versionTotals(tx, ref.id, 1);
  await insertVersion(tx, {
    layerId: ref.id,
    version: 1,
    sourcePath: 'bench:qc',
    sourceFormat: 'generated',
    sourceSrid: 4490,
    sourceCrs: null,
    totals,
    counts,
    repaired: [],
    createdBy: null,
    note: 'bench:qc',
  });
  await dropStage(tx);
  return ref.id;
}

async function generate(db: Db): Promise<Planted & { xzq: number; dltb: number }> {
  return db.transaction(async (tx) => {
    await tx.exec(GENERATE);
    const xzq = await writeVersion(tx, 'XZQ', STAGE_XZQ);
    const dltb = await writeVersion(tx, 'DLTB', STAGE_DLTB);
    const r = await tx.query<{ role: number | null; n: number }>(`SELECT role, count(*)::int AS n FROM bench_cells GROUP BY role`);
    const byRole = Array.from({ length: 10 }, (_, k) => r.rows.find((x) => x.role === k)?.n ?? 0);
    const cells = r.rows.reduce((a, x) => a + x.n, 0);
    const f = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM feature WHERE layer_id = $1 AND v_to IS NULL`, [dltb]);
    await tx.exec('DROP TABLE bench_cells');
    return { cells, features: f.rows[0].n, byRole, xzq, dltb };
  });
}

// The naive single statements, with the rule set's tolerances.
interface Tolerances {
  overlapM2: number;
  gapM2: number;
  codes: string[];
  tbmjM2: number;
  tbmjPercent: number;
}

function tolerances(): Tolerances {
  const setup = defaultQcSetup();
  const rule = (id: string) => setup.ruleset.families.DLTB.rules.find((r) => r.id === id)!;
  return {
    overlapM2: rule('DLTB.no-overlap').minAreaM2 as number,
    gapM2: rule('DLTB.no-gap').minAreaM2 as number,
    codes: [...setup.codeLists.get(rule('DLTB.DLBM').list as string)!.codes],
    tbmjM2: rule('DLTB.TBMJ').toleranceM2 as number,
    tbmjPercent: rule('DLTB.TBMJ').tolerancePercent as number,
  };
}

interface Found {
  /** Overlapping pairs "fidA|fidB" (sorted), features with a bad code or TBMJ. */
  overlaps: Set<string>;
  codes: Set<string>;
  tbmj: Set<string>;
  gapPieces: number;
  gapM2: number;
}

const pair = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

async function naive(db: Db, ids: { xzq: number; dltb: number }, t: Tolerances): Promise<{ found: Found; s: Record<Rule, number> }> {
  const s = {} as Record<Rule, number>;
  // The naive statements get their best plan: left alone, the planner ANDs the primary key's range
  // (a.id < b.id: half the layer) into a bitmap scan beside the GiST one, and the self-join takes
  // over 15 minutes instead of a few. Without bitmap scans it is a plain GiST nested loop.
  const time = <T>(rule: Rule, f: (tx: Queryable) => Promise<T>) =>
    db.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_bitmapscan = off');
      const t0 = performance.now();
      const r = await f(tx);
      s[rule] = (performance.now() - t0) / 1000;
      return r;
    });
  const ov = await time('DLTB.no-overlap', (db) =>
    db.query<{ a: string; b: string }>(
      `SELECT a.fid AS a, b.fid AS b FROM feature a JOIN feature b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
        WHERE a.layer_id = $1 AND b.layer_id = $1 AND a.v_to IS NULL AND b.v_to IS NULL
          AND onemap_area(ST_Intersection(a.geom, b.geom)) > $2`,
      [ids.dltb, t.overlapM2],
    ),
  );
  // The same sliver filter as the rule (a piece under ~2 mm wide is noding noise, qc.repository.ts).
  const gp = await time('DLTB.no-gap', (db) =>
    db.query<{ pieces: number; m2: number }>(
      `SELECT count(*)::int AS pieces, coalesce(sum(m2), 0) AS m2
         FROM (SELECT d.geom, onemap_area(d.geom) AS m2
                 FROM feature x, (SELECT ST_Union(geom) AS u FROM feature WHERE layer_id = $2 AND v_to IS NULL) u,
                      ST_Dump(ST_CollectionExtract(ST_Difference(x.geom, u.u), 3)) d
                WHERE x.layer_id = $1 AND x.v_to IS NULL) p
        WHERE m2 > $3 AND NOT ST_IsEmpty(ST_Buffer(geom, -1e-8))`,
      [ids.xzq, ids.dltb, t.gapM2],
    ),
  );
  const cl = await time('DLTB.DLBM', (db) =>
    db.query<{ fid: string }>(
      `SELECT fid FROM feature WHERE layer_id = $1 AND v_to IS NULL AND props->>'DLBM' NOT IN (SELECT unnest($2::text[]))`,
      [ids.dltb, t.codes],
    ),
  );
  const tb = await time('DLTB.TBMJ', (db) =>
    db.query<{ fid: string }>(
      `SELECT fid FROM feature WHERE layer_id = $1 AND v_to IS NULL
          AND abs((props->>'TBMJ')::float8 - onemap_area(geom)) > greatest($2::float8, onemap_area(geom) * $3::float8 / 100)`,
      [ids.dltb, t.tbmjM2, t.tbmjPercent],
    ),
  );
  return {
    s,
    found: {
      overlaps: new Set(ov.rows.map((r) => pair(r.a, r.b))),
      gapPieces: gp.rows[0].pieces,
      gapM2: Number(gp.rows[0].m2),
      codes: new Set(cl.rows.map((r) => r.fid)),
      tbmj: new Set(tb.rows.map((r) => r.fid)),
    },
  };
}

async function onemap(db: Db): Promise<{ found: Found; s: Record<Rule, number>; total: number }> {
  const s = {} as Record<Rule, number>;
  const t0 = performance.now();
  const report = await qcLayer(db, configFromEnv(), 'DLTB', { only: [...RULES], onRule: (rule, ms) => (s[rule as Rule] = ms / 1000) });
  const total = (performance.now() - t0) / 1000;
  // Fail closed: every error must be listed for the sets to be compared.
  for (const r of report.rules)
    if (r.listed !== r.errors) throw new Error(`${r.id}: ${r.errors} errors but ${r.listed} listed: plant fewer errors`);
  const of = (rule: Rule) => report.errors.filter((e) => e.rule === rule);
  const overlaps = new Set(
    of('DLTB.no-overlap').map((e) => {
      const m = /features (\S+) and (\S+) overlap/.exec(e.message);
      if (!m) throw new Error(`unexpected overlap message: ${e.message}`);
      return pair(m[1], m[2]);
    }),
  );
  const gaps = of('DLTB.no-gap').map((e) => {
    const m = /\((\d+) gaps, /.exec(e.message);
    if (!m) throw new Error(`unexpected gap message: ${e.message}`);
    return { pieces: Number(m[1]), m2: e.value as number };
  });
  return {
    s,
    total,
    found: {
      overlaps,
      gapPieces: gaps.reduce((a, g) => a + g.pieces, 0),
      gapM2: gaps.reduce((a, g) => a + g.m2, 0),
      codes: new Set(of('DLTB.DLBM').map((e) => e.fid!)),
      tbmj: new Set(of('DLTB.TBMJ').map((e) => e.fid!)),
    },
  };
}

/** Differences between two findings, in words; empty when they agree. */
function differences(a: Found, b: Found, an: string, bn: string): string[] {
  const out: string[] = [];
  const sets = (name: string, x: Set<string>, y: Set<string>) => {
    const onlyX = [...x].filter((v) => !y.has(v));
    const onlyY = [...y].filter((v) => !x.has(v));
    if (onlyX.length || onlyY.length)
      out.push(
        `${name}: ${onlyX.length} only in ${an} (${onlyX.slice(0, 5).join(', ')}), ${onlyY.length} only in ${bn} (${onlyY.slice(0, 5).join(', ')})`,
      );
  };
  sets('overlaps', a.overlaps, b.overlaps);
  sets('codes', a.codes, b.codes);
  sets('TBMJ', a.tbmj, b.tbmj);
  if (a.gapPieces !== b.gapPieces) out.push(`gap pieces: ${a.gapPieces} by ${an}, ${b.gapPieces} by ${bn}`);
  // Each listed gap value is rounded to 0.01 m².
  if (Math.abs(a.gapM2 - b.gapM2) > 0.01 * Math.max(a.gapPieces, 1) + 1e-6 * b.gapM2)
    out.push(`gap area: ${a.gapM2.toFixed(2)} m² by ${an}, ${b.gapM2.toFixed(2)} m² by ${bn}`);
  return out;
}

async function main() {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const db = PGLITE ? await openDb({ memory: true }) : await openDb({ databaseUrl: URL_, schema });
  let failed = false;
  try {
    await ensureDefaultCatalogue(db);
    const g0 = performance.now();
    const planted = await generate(db);
    const t = tolerances();
    console.log(
      `bench:qc — ${planted.features.toLocaleString('en')} DLTB features (${ROWS} × ${COLS} cells of ${D}°) over ${XZQ.length} XZQ districts, ${RUNS} onemap runs and ${NAIVE_RUNS} naive, median wall clock, ${PGLITE ? 'embedded PGlite' : `PostgreSQL ${URL_!.replace(/:[^:@/]*@/, ':***@')}`}`,
    );
    const r = planted.byRole;
    console.log(
      `generated in ${((performance.now() - g0) / 1000).toFixed(1)} s; planted: ${r[0]} overlaps (+${r[1]} under ${t.overlapM2} m²), ${r[2] + r[3]} gaps (+${r[4]} slivers), ${r[5] + r[6]} DLBM outside the list, ${r[7] + r[9]} TBMJ off (+${r[8]} within tolerance)`,
    );
    const expected = { overlaps: r[0], gapPieces: r[2] + r[3], codes: r[5] + r[6], tbmj: r[7] + r[9] };
    const ours: Awaited<ReturnType<typeof onemap>>[] = [];
    const theirs: Awaited<ReturnType<typeof naive>>[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(await onemap(db));
      if (i < NAIVE_RUNS) theirs.push(await naive(db, planted, t));
      const problems = differences(ours[i].found, theirs[Math.min(i, NAIVE_RUNS - 1)].found, 'onemap', 'naive');
      const per = (x: Record<Rule, number>) => RULES.map((k) => `${k} ${x[k].toFixed(2)}`).join(', ');
      console.log(`run ${i + 1}: onemap ${ours[i].total.toFixed(2)} s (${per(ours[i].s)})`);
      if (i < NAIVE_RUNS)
        console.log(`run ${i + 1}: naive ${RULES.reduce((a, k) => a + theirs[i].s[k], 0).toFixed(2)} s (${per(theirs[i].s)})`);
      const f = ours[i].found;
      const got = { overlaps: f.overlaps.size, gapPieces: f.gapPieces, codes: f.codes.size, tbmj: f.tbmj.size };
      for (const k of Object.keys(expected) as (keyof typeof expected)[])
        if (got[k] !== expected[k]) problems.push(`${k}: ${got[k]} found, ${expected[k]} planted`);
      if (problems.length) {
        failed = true;
        console.error(`run ${i + 1}: the error sets differ:\n  ${problems.join('\n  ')}`);
      }
    }
    const f = ours[0].found;
    const count: Record<Rule, string> = {
      'DLTB.no-overlap': `${f.overlaps.size} pairs`,
      'DLTB.no-gap': `${f.gapPieces} pieces, ${f.gapM2.toFixed(0)} m²`,
      'DLTB.DLBM': `${f.codes.size} features`,
      'DLTB.TBMJ': `${f.tbmj.size} features`,
    };
    console.log('rule               onemap s    naive s    ratio   errors (equal sets)');
    for (const rule of RULES) {
      const o = median(ours.map((x) => x.s[rule]));
      const n = median(theirs.map((x) => x.s[rule]));
      console.log(
        `${rule.padEnd(17)} ${o.toFixed(2).padStart(9)} ${n.toFixed(2).padStart(10)} ${(n / o).toFixed(1).padStart(7)}×   ${count[rule]}`,
      );
    }
    const setup = median(ours.map((x) => x.total - RULES.reduce((a, k) => a + x.s[k], 0)));
    console.log(`${'subject table etc.'.padEnd(17)} ${setup.toFixed(2).padStart(9)}          -`);
    const ot = median(ours.map((x) => x.total));
    const nt = median(theirs.map((x) => RULES.reduce((a, k) => a + x.s[k], 0)));
    console.log(
      `${'total'.padEnd(17)} ${ot.toFixed(2).padStart(9)} ${nt.toFixed(2).padStart(10)} ${(nt / ot).toFixed(1).padStart(7)}×   goal ≥ 5× and onemap < 60 s: ${nt / ot >= 5 && ot < 60 ? 'met' : 'NOT met'}`,
    );
    console.log(
      `runs: onemap ${ours.map((x) => x.total.toFixed(2)).join(' ')} | naive ${theirs.map((x) => RULES.reduce((a, k) => a + x.s[k], 0).toFixed(2)).join(' ')}`,
    );
    console.log(failed ? 'error sets DIFFER (see above)' : 'error sets equal in every run, and equal to the planted errors');
  } finally {
    // ONEMAP_BENCH_KEEP=1 keeps the generated layers to look at (the schema is named).
    if (process.env.ONEMAP_BENCH_KEEP === '1' && !PGLITE) console.log(`kept schema ${schema}`);
    else if (!PGLITE) await db.exec(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  }
  if (failed) process.exit(1);
}

await main();
