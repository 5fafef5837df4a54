// npm run bench:review — the "3+X" machine review on the `large` demo city in PostgreSQL.
// 1,000 random project boundaries (1–200 ha, 50–2,000 vertices, seeded) are reviewed against every
// rule of the default rule set, end to end (boundary union and areas, all overlays, setbacks,
// airport referral, the frozen run written with its audit entry). The same boundaries are then
// answered by the naive query — ST_Intersection straight on the unsubdivided layers, project not
// cut either — and by the engine's own overlay statement, in the same run, so the ratio and the
// largest area difference compare like with like. Medians and p95: the machines are shared.
//
//   DATABASE_URL=postgres://… npm run bench:review      (ONEMAP_BENCH_BOUNDARIES=1000, ONEMAP_BENCH_SEED=42)
import { openDb } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { runReview } from '../src/review/engine.ts';
import { DEFAULT_RULESET } from '../src/review/ruleset.ts';
import { ruleKind } from '../src/review/rules/registry.ts';
import * as repo from '../src/review/review.repository.ts';
import { geometryToWkb } from '../src/util/wkb.ts';
import { mulberry32 } from '../src/demo/prng.ts';

const URL_ = process.env.ONEMAP_BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const N = Number(process.env.ONEMAP_BENCH_BOUNDARIES ?? 1000);
const SEED = Number(process.env.ONEMAP_BENCH_SEED ?? 42);
if (!URL_) {
  console.error(
    'bench:review needs PostgreSQL with the large demo city: set DATABASE_URL, e.g. postgres://onemap:onemap@localhost/onemap_large',
  );
  process.exit(1);
}

const config = { ...configFromEnv(), db: { databaseUrl: URL_ } };
const db = await openDb(config.db);
await ensureDefaultCatalogue(db);

const total = (
  await db.query<{ n: number }>(
    `SELECT coalesce(sum(v.feature_count), 0)::int AS n FROM layer l JOIN layer_version v ON v.layer_id = l.id AND v.version = l.active_version`,
  )
).rows[0].n;
if (total < 1_000_000) {
  console.log(`the database holds ${total.toLocaleString()} features: generating the large demo city (≈ 1.3 M features, a minute or two)…`);
  const { generateDemo } = await import('../src/demo/index.ts');
  let last = '';
  await generateDemo(db, config, {
    scale: 'large',
    onProgress: (msg) => {
      if (msg !== last) process.stderr.write(`  ${(last = msg)}\n`);
    },
  });
}

// Boundaries: star-shaped polygons around random centres inside the districts. Radii vary
// smoothly (a few harmonics) so the outline is irregular but simple; scaled to the target area.
const rnd = mulberry32(SEED);
const [x0, y0, x1, y1] = config.cityExtent;
interface Boundary {
  ewkb: string;
  targetHa: number;
  vertices: number;
}
const boundaries: Boundary[] = [];
while (boundaries.length < N) {
  const lon = x0 + (x1 - x0) * rnd();
  const lat = y0 + (y1 - y0) * rnd();
  const inside = (
    await db.query<{ ok: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM feature f JOIN layer l ON l.id = f.layer_id AND l.code = 'XZQ' WHERE f.v_to IS NULL AND ST_Intersects(f.geom, ST_SetSRID(ST_Point($1, $2), 4490))) AS ok`,
      [lon, lat],
    )
  ).rows[0].ok;
  if (!inside) continue;
  // Area log-uniform in 1–200 ha, vertex count log-uniform in 50–2000.
  const targetHa = Math.exp(Math.log(1) + (Math.log(200) - Math.log(1)) * rnd());
  const n = Math.round(Math.exp(Math.log(50) + (Math.log(2000) - Math.log(50)) * rnd()));
  const harmonics = [1, 2, 3, 5, 8].map((k) => ({ k, a: (0.25 / k) * rnd(), p: 2 * Math.PI * rnd() }));
  const r: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    r.push(1 + harmonics.reduce((s, h) => s + h.a * Math.sin(h.k * t + h.p), 0) + 0.01 * (rnd() - 0.5));
  }
  // Planar area of the unit star, then scale so it has the target area (metres, local frame).
  let a = 0;
  for (let i = 0; i < n; i++) a += 0.5 * r[i] * r[(i + 1) % n] * Math.sin((2 * Math.PI) / n);
  const scale = Math.sqrt((targetHa * 10000) / a);
  const mPerDegLat = 110_900;
  const mPerDegLon = 111_320 * Math.cos((lat * Math.PI) / 180);
  const ring: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    ring.push([lon + (scale * r[i] * Math.cos(t)) / mPerDegLon, lat + (scale * r[i] * Math.sin(t)) / mPerDegLat]);
  }
  ring.push(ring[0]);
  const ewkb = (
    await db.query<{ h: string }>(`SELECT encode(ST_AsEWKB(ST_SetSRID(ST_GeomFromWKB($1), 4490)), 'hex') AS h`, [
      geometryToWkb({ type: 'Polygon', coordinates: [ring] }),
    ])
  ).rows[0].h;
  boundaries.push({ ewkb, targetHa, vertices: n });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

// 1. Full review, every default rule, urban construction with scheme indicators (all rules apply).
console.log(`\nbench:review — ${N} boundaries (seed ${SEED}), ${total.toLocaleString()} features, PostgreSQL`);
const full: number[] = [];
const verdicts: Record<string, number> = {};
for (let i = 0; i < N; i++) {
  const b = boundaries[i];
  const t = performance.now();
  const r = await runReview(db, {
    parcels: [{ fid: `B${i + 1}`, ewkb: b.ewkb }],
    type: 'urban-construction',
    name: `bench ${i + 1}`,
    user: 'bench',
    indicators: { far: 1 + 3 * rnd(), height: 20 + 100 * rnd(), groundElevation: 6 },
    geometry: false,
  });
  full.push(performance.now() - t);
  verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
  if ((i + 1) % 100 === 0) process.stderr.write(`  review ${i + 1}/${N}\n`);
}

// 2. Overlays alone: the engine's statement (subdivided both sides) against the naive one.
const overlapCodes = [...new Set(DEFAULT_RULESET.rules.filter((r) => ruleKind(r.kind)!.usesOverlap).map((r) => r.layer))];
const layers = (
  await db.query<{ id: number; code: string; v: number; maxpts: number }>(
    `SELECT l.id, l.code, l.active_version AS v, (SELECT max(npoints) FROM feature f WHERE f.layer_id = l.id AND f.v_to IS NULL)::int AS maxpts
     FROM layer l WHERE l.code = ANY($1) AND l.active_version IS NOT NULL ORDER BY l.code`,
    [overlapCodes],
  )
).rows;
// "Big polygons": layers whose largest feature has more vertices than the largest boundary
// (2,000), e.g. 耕地保护红线 and 生态保护红线 outlines with tens of thousands of vertices.
const BIG = 2000;
const big = layers.filter((l) => l.maxpts > BIG);
// The naive query answers the same question with the same outputs (per feature: ellipsoidal and
// planar overlap area, overlap geometry, fid and attributes) but intersects whole features with the
// whole boundary, as a straightforward implementation would.
const naiveSql = (ids: number[]) => `WITH s AS (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g),
  hit AS (SELECT f.layer_id, f.id AS feature_id, ST_CollectionExtract(ST_Intersection(f.geom, s.g), 3) AS ig
            FROM feature f, s
           WHERE f.layer_id IN (${ids.join(', ')}) AND f.v_to IS NULL AND f.geom && s.g AND ST_Intersects(f.geom, s.g)),
  agg AS (SELECT layer_id, feature_id, sum(ST_Area(ig::geography)) AS area_m2, sum(ST_Area(ST_Transform(ig, $2::int))) AS planar_m2, ST_Collect(ig) AS g
            FROM hit WHERE NOT ST_IsEmpty(ig) GROUP BY layer_id, feature_id)
  SELECT a.layer_id, f.fid, f.props, a.area_m2, a.planar_m2, ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(a.g, 3)), 7) AS geojson
    FROM agg a JOIN feature f ON f.layer_id = a.layer_id AND f.id = a.feature_id`;
const oursAll: number[] = [],
  naiveAll: number[] = [],
  oursBig: number[] = [],
  naiveBig: number[] = [];
let maxRel = 0,
  maxAbs = 0,
  compared = 0,
  worst = '';
const planarSrid = 4549;
for (let i = 0; i < N; i++) {
  const b = boundaries[i];
  for (const [set, ours, naive] of [
    [layers, oursAll, naiveAll],
    [big, oursBig, naiveBig],
  ] as const) {
    let t = performance.now();
    const rows = await repo.overlaps(
      db,
      b.ewkb,
      set.map((l) => ({ id: l.id, version: l.v })),
      planarSrid,
    );
    ours.push(performance.now() - t);
    t = performance.now();
    const nv = await db.query<{ layer_id: number; area_m2: number }>(naiveSql(set.map((l) => l.id)), [b.ewkb, planarSrid]);
    naive.push(performance.now() - t);
    if (set !== layers) continue;
    const mine = new Map<number, number>();
    for (const r of rows) mine.set(r.layer_id, (mine.get(r.layer_id) ?? 0) + r.area_m2);
    const theirs = new Map<number, number>();
    for (const r of nv.rows) theirs.set(r.layer_id, (theirs.get(r.layer_id) ?? 0) + r.area_m2);
    for (const [layerId, area] of theirs) {
      const r = { layer_id: layerId, area_m2: area };
      const m = mine.get(r.layer_id) ?? 0;
      const abs = Math.abs(m - r.area_m2);
      if (r.area_m2 > 1) {
        compared++;
        const rel = abs / r.area_m2;
        if (rel > maxRel) {
          maxRel = rel;
          worst = `boundary ${i + 1}, ${layers.find((l) => l.id === r.layer_id)!.code}: ${m.toFixed(3)} vs ${r.area_m2.toFixed(3)} m²`;
        }
      }
      maxAbs = Math.max(maxAbs, abs);
    }
  }
  if ((i + 1) % 100 === 0) process.stderr.write(`  overlay ${i + 1}/${N}\n`);
}
await db.close();

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
console.log(`\nFull machine review (${DEFAULT_RULESET.rules.length} default rules, frozen run written):`);
console.log(
  `  p50 ${ms(pct(full, 50))}   p95 ${ms(pct(full, 95))}   max ${ms(Math.max(...full))}   goal p95 < 100 ms: ${pct(full, 95) < 100 ? 'met' : 'NOT met'}`,
);
console.log(
  `  verdicts: ${Object.entries(verdicts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
console.log(`\nOverlay, same boundaries, same run (onemap = subdivided pieces; naive = ST_Intersection on whole features):`);
console.log(`  layers                          onemap p50 / p95        naive p50 / p95        ratio (total time)`);
console.log(
  `  all ${String(layers.length).padEnd(2)} overlay layers           ${ms(pct(oursAll, 50)).padStart(9)} / ${ms(pct(oursAll, 95)).padEnd(10)}  ${ms(pct(naiveAll, 50)).padStart(9)} / ${ms(pct(naiveAll, 95)).padEnd(10)}  ${(sum(naiveAll) / sum(oursAll)).toFixed(1)}×`,
);
console.log(
  `  layers with polygons > ${BIG} vertices (${big.map((l) => `${l.code} ≤${l.maxpts.toLocaleString()}`).join(', ')}):\n                                  ${ms(pct(oursBig, 50)).padStart(9)} / ${ms(pct(oursBig, 95)).padEnd(10)}  ${ms(pct(naiveBig, 50)).padStart(9)} / ${ms(pct(naiveBig, 95)).padEnd(10)}  ${(sum(naiveBig) / sum(oursBig)).toFixed(1)}×   goal ≥ 10×: ${sum(naiveBig) / sum(oursBig) >= 10 ? 'met' : 'NOT met'}`,
);
console.log(
  `  largest area difference: ${(maxRel * 100).toFixed(6)}% (${worst || 'none'}), ${maxAbs.toFixed(4)} m² absolute, over ${compared} layer overlaps > 1 m²   goal ≤ 0.01%: ${maxRel <= 1e-4 ? 'met' : 'NOT met'}`,
);
