// npm run bench:import — imports a ≥200,000-feature Shapefile and GeoJSON into PostgreSQL with
// onemap and with GDAL's ogr2ogr (the baseline) in the same run, and prints features/s and the
// ratio. Medians over ONEMAP_BENCH_RUNS runs (default 3): the machines are shared and noisy.
// onemap does more per feature than ogr2ogr (validity check, extent check, ellipsoidal and planar
// areas, row hash, version bookkeeping); the figures are end-to-end wall clock for both.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { openDb } from '../src/db/index.ts';
import { configFromEnv } from '../src/config.ts';
import { ensureDefaultCatalogue } from '../src/catalogue/catalogue.service.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { writeShapefile, CGCS2000_PRJ } from '../src/exporters/shapefile.ts';
import { geometryToWkb } from '../src/util/wkb.ts';
import { pgConn, median } from './ogr.ts';

const N = Number(process.env.ONEMAP_BENCH_FEATURES ?? 200_000);
const RUNS = Number(process.env.ONEMAP_BENCH_RUNS ?? 3);
const OUT = 'bench/out';
const URL_ = process.env.ONEMAP_BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? process.env.ONEMAP_TEST_DATABASE_URL;

if (!URL_) {
  console.error(
    'bench:import needs PostgreSQL: set DATABASE_URL (or ONEMAP_BENCH_DATABASE_URL), e.g. postgres://onemap:onemap@localhost/onemap_test',
  );
  process.exit(1);
}

// Deterministic PRNG (mulberry32) so every run loads the same data.
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CLASSES: [string, string][] = [
  ['0101', '水田'],
  ['0103', '旱地'],
  ['0301', '乔木林地'],
  ['0701', '城镇住宅用地'],
  ['0601', '工业用地'],
  ['1101', '河流水面'],
];

/** N small valid heptagons (≈ 60 m across) on a grid over the plain north-east of Hangzhou. */
function* features() {
  const rnd = prng(42);
  const cols = Math.ceil(Math.sqrt(N * 1.5));
  for (let i = 0; i < N; i++) {
    const cx = 119.6 + (i % cols) * 0.001 + 0.0002;
    const cy = 29.9 + Math.floor(i / cols) * 0.001 + 0.0002;
    const ring: number[][] = [];
    for (let k = 0; k < 7; k++) {
      const a = (-2 * Math.PI * k) / 7; // clockwise, as shapefiles want outer rings
      const r = 0.0002 + rnd() * 0.00015;
      ring.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
    }
    ring.push(ring[0]);
    const [code, name] = CLASSES[Math.floor(rnd() * CLASSES.length)];
    yield {
      id: i + 1,
      geometry: { type: 'Polygon' as const, coordinates: [ring] },
      props: {
        BSM: `330100${String(i + 1).padStart(8, '0')}`,
        DLBM: code,
        DLMC: name,
        ZLDWDM: '330110001001',
        KZMJ: Math.round(rnd() * 1e6) / 100,
      },
    };
  }
}

async function makeData() {
  mkdirSync(OUT, { recursive: true });
  const shp = `${OUT}/bench_${N}.shp`;
  const gj = `${OUT}/bench_${N}.geojson`;
  if (!existsSync(shp)) {
    const w = await writeShapefile(shp.replace(/\.shp$/, ''), {
      geometryType: 'Polygon',
      encoding: 'GBK',
      prjWkt: CGCS2000_PRJ,
      fields: [
        { name: 'BSM', type: 'C', length: 18 },
        { name: 'DLBM', type: 'C', length: 4 },
        { name: 'DLMC', type: 'C', length: 20 },
        { name: 'ZLDWDM', type: 'C', length: 12 },
        { name: 'KZMJ', type: 'N', length: 12, decimals: 2 },
      ],
    });
    for (const f of features()) w.write(geometryToWkb(f.geometry), f.props);
    await w.close();
  }
  if (!existsSync(gj)) {
    const ws = createWriteStream(gj);
    ws.write('{"type":"FeatureCollection","features":[\n');
    let first = true;
    for (const f of features()) {
      if (!ws.write(`${first ? '' : ',\n'}${JSON.stringify({ type: 'Feature', id: f.id, properties: f.props, geometry: f.geometry })}`))
        await once(ws, 'drain');
      first = false;
    }
    ws.end('\n]}\n');
    await once(ws, 'finish');
  }
  return { shp, gj };
}

async function timeOnemap(path: string): Promise<number> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const db = await openDb({ databaseUrl: URL_, schema });
  try {
    await ensureDefaultCatalogue(db);
    const t0 = performance.now();
    const r = await importFile(db, configFromEnv(), path, { layer: 'BENCH' });
    const s = (performance.now() - t0) / 1000;
    if (r.featureCount !== N) throw new Error(`onemap imported ${r.featureCount} features, expected ${N}`);
    return s;
  } finally {
    await db.exec(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  }
}

function timeOgr(path: string): number {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  execFileSync('psql', [URL_!, '-qc', `CREATE SCHEMA ${schema}`]);
  try {
    const t0 = performance.now();
    const r = spawnSync(
      'ogr2ogr',
      [
        '-f',
        'PostgreSQL',
        pgConn(URL_!, schema),
        path,
        '-nln',
        'bench',
        '-lco',
        `SCHEMA=${schema}`,
        '-lco',
        'GEOMETRY_NAME=geom',
        '-nlt',
        'PROMOTE_TO_MULTI',
        '-a_srs',
        'EPSG:4490',
        '--config',
        'SHAPE_ENCODING',
        'GBK',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`ogr2ogr failed: ${r.stderr}`);
    const n = Number(
      execFileSync('psql', [URL_!, '-tAc', `SELECT count(*) FROM ${schema}.bench`])
        .toString()
        .trim(),
    );
    if (n !== N) throw new Error(`ogr2ogr loaded ${n} features, expected ${N}`);
    return s;
  } finally {
    execFileSync('psql', [URL_!, '-qc', `DROP SCHEMA ${schema} CASCADE`]);
  }
}

const { shp, gj } = await makeData();
const hasOgr = spawnSync('ogr2ogr', ['--version']).status === 0;
if (!hasOgr) console.log('ogr2ogr not found (Debian: apt-get install gdal-bin): the baseline is skipped.');
console.log(
  `bench:import — ${N.toLocaleString('en')} polygons, ${RUNS} runs each, median wall clock, PostgreSQL ${URL_.replace(/:[^:@/]*@/, ':***@')}`,
);
console.log(`files: ${shp} (${(statSync(shp).size / 1e6).toFixed(1)} MB + .dbf), ${gj} (${(statSync(gj).size / 1e6).toFixed(1)} MB)`);
console.log('format     onemap s   onemap f/s   ogr2ogr s  ogr2ogr f/s   ratio (onemap/ogr2ogr rate)');
for (const [name, path] of [
  ['shapefile', shp],
  ['geojson', gj],
] as const) {
  const ours: number[] = [];
  const ogr: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(await timeOnemap(path));
    if (hasOgr) ogr.push(timeOgr(path));
  }
  const o = median(ours);
  const g = hasOgr ? median(ogr) : NaN;
  console.log(
    `${name.padEnd(10)} ${o.toFixed(2).padStart(8)} ${Math.round(N / o)
      .toLocaleString('en')
      .padStart(12)} ${hasOgr ? g.toFixed(2).padStart(11) : '    skipped'} ${
      hasOgr
        ? Math.round(N / g)
            .toLocaleString('en')
            .padStart(12)
        : ''
    }   ${hasOgr ? (g / o).toFixed(2) + '×' : ''}`,
  );
  console.log(
    `           runs: onemap ${ours.map((x) => x.toFixed(2)).join(' ')}${hasOgr ? ` | ogr2ogr ${ogr.map((x) => x.toFixed(2)).join(' ')}` : ''}`,
  );
}
