// npm run bench:taohe — the city-wide 多田套合 (永久基本农田 × 高标准农田 × 粮食生产功能区) on the `large`
// demo city in PostgreSQL, two ways in the same run:
//   onemap: computeTaohe (src/farmland/taohe.ts) — Y piece by piece, the other layers' pieces
//           joined through the indexes, each pair clipped once, whole-cover shortcut; per district;
//   naive:  one statement over the three full layers — ST_Union of each layer, then
//           ST_Intersection(ST_Intersection(Y, G), L) and its area (taohe.repository taoheNaive).
// Both give the permanent-farmland area and the area where all three coincide; the areas must
// agree within 0.01 %. Medians of ONEMAP_BENCH_RUNS runs (default 3: the naive overlay takes over a
// minute per run on the 2-core reference machine). Nothing is written.
//
//   DATABASE_URL=postgres://onemap:onemap@localhost/onemap_large npm run bench:taohe   (ONEMAP_BENCH_RUNS=5)
import { openDb } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { computeTaohe, taoheLayers } from '../src/farmland/taohe.ts';
import { taoheNaive } from '../src/farmland/taohe.repository.ts';
import { m2ToMu } from '../src/area/units.ts';

const URL_ = process.env.ONEMAP_BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://onemap:onemap@localhost/onemap_large';
const RUNS = Math.max(1, Number(process.env.ONEMAP_BENCH_RUNS ?? 3));

const config = { ...configFromEnv(), db: { databaseUrl: URL_ } };
const db = await openDb(config.db);
await ensureDefaultCatalogue(db);
const layers = await taoheLayers(db, config.districts);
const count = async (id: number, v: number) =>
  (
    await db.query<{ n: number; p: number }>(
      `SELECT count(*)::int AS n, sum(npoints)::int AS p FROM feature WHERE layer_id = $1 AND v_from <= $2 AND (v_to IS NULL OR v_to > $2)`,
      [id, v],
    )
  ).rows[0];
const sizes = {
  YJJBNT: await count(layers.y.id, layers.y.version),
  GBZNT: await count(layers.g.id, layers.g.version),
  LSSCGNQ: await count(layers.l.id, layers.l.version),
};
if (sizes.YJJBNT.n < 20000) {
  console.error(
    `${URL_} has ${sizes.YJJBNT.n} permanent-farmland patches: bench:taohe needs the large demo city (onemap demo --scale large)`,
  );
  process.exit(1);
}
console.log(
  `large city: ${Object.entries(sizes)
    .map(([k, s]) => `${k} ${s.n.toLocaleString()} features (${s.p.toLocaleString()} vertices)`)
    .join(', ')}; ${RUNS} run(s) each`,
);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fast: number[] = [];
const slow: number[] = [];
let mine = { y: 0, c: 0, districts: 0 };
let naive = { y: 0, c: 0 };
for (let i = 0; i < RUNS; i++) {
  let t = performance.now();
  const r = await computeTaohe(db);
  fast.push(performance.now() - t);
  mine = { y: r.city.yjjbntM2, c: r.city.coincideM2, districts: r.byDistrict.length };
  t = performance.now();
  const n = await taoheNaive(db, layers.y, layers.g, layers.l);
  slow.push(performance.now() - t);
  naive = { y: n.yjjbnt_m2, c: n.coincide_m2 };
  console.log(`  run ${i + 1}: onemap ${(fast[i] / 1000).toFixed(2)} s, naive ${(slow[i] / 1000).toFixed(2)} s`);
}
await db.close();

const rel = (a: number, b: number) => (Math.abs(a - b) / Math.max(Math.abs(b), 1e-9)) * 100;
const area = (m2: number) =>
  `${m2.toLocaleString('en', { maximumFractionDigits: 2 })} m² (${(m2ToMu(m2) / 10000).toLocaleString('en', { maximumFractionDigits: 4 })} 万亩)`;
const ratio = median(slow) / median(fast);
const dy = rel(mine.y, naive.y);
const dc = rel(mine.c, naive.c);
console.log('');
console.log(`多田套合, city-wide (median of ${RUNS}):`);
console.log(
  `  onemap  ${(median(fast) / 1000).toFixed(2)} s   永久基本农田 ${area(mine.y)}, 三者重合 ${area(mine.c)}, rate ${((mine.c / mine.y) * 100).toFixed(4)} % (+ ${mine.districts} district rows)`,
);
console.log(
  `  naive   ${(median(slow) / 1000).toFixed(2)} s   永久基本农田 ${area(naive.y)}, 三者重合 ${area(naive.c)}, rate ${((naive.c / naive.y) * 100).toFixed(4)} %`,
);
console.log(
  `  speed-up ${ratio.toFixed(1)}× (goal ≥ 3×); area difference: permanent farmland ${dy.toExponential(2)} %, coinciding ${dc.toExponential(2)} % (goal ≤ 0.01 %)`,
);
console.log(
  `BENCH_TAOHE_RESULT ${JSON.stringify({ runs: RUNS, onemapMs: Math.round(median(fast)), naiveMs: Math.round(median(slow)), speedup: Number(ratio.toFixed(2)), yjjbntM2: mine.y, coincideM2: mine.c, naiveYjjbntM2: naive.y, naiveCoincideM2: naive.c, diffPercent: Math.max(dy, dc) })}`,
);
if (ratio < 3 || dy > 0.01 || dc > 0.01) process.exitCode = 1;
