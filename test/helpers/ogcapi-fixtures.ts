// Hand-made layers for the OGC API tests, imported through the real pipeline. Every expected
// value in test/ogcapi*.test.ts follows from the coordinates written here:
//  GHYD (public)  v1, valid from 2020-01-01: OLD-1..3, 0.01° squares at lat 30.30, YDYHFLDM 0101.
//                 v2, valid from 2023-01-01: G01..G25, a 5 × 5 grid of 0.01° squares from
//                 (120.10, 30.20) to (120.15, 30.25); square (i, j) is G{j·5 + i + 1}, i eastward,
//                 j northward; YDYHFLDM = 0701 when i + j is even (13 squares) else 1001 (12);
//                 DYBH = DY-j; G25's YDYHFLMC is markup, to test HTML escaping.
//  LVX  (public)  L1: the square (120.00, 30.00)–(120.01, 30.01); its corner (120°E, 30°N) lies on
//                 the central meridian of EPSG:4549.
//  XZQ  (public)  330106: lon 120.00–120.10, 330108: lon 120.10–120.20, both lat 30.00–30.50.
//  DLTB (restricted) D-A in 330106, D-B in 330108, D-C across their boundary; TBMJ 50/150/250.
//  REFX (new code → restricted reference layer without attr_schema): L1 again.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/index.ts';
import type { Config } from '../../src/config.ts';
import { importFile } from '../../src/importers/pipeline.ts';
import { buildApp } from '../../src/server/app.ts';
import { ogcapiRoutes } from '../../src/ogcapi/ogcapi.routes.ts';

/** The app with /ogcapi: wired by buildApp once the lead adds it, registered here until then. */
export async function ogcApp(db: Db, config: Config): Promise<FastifyInstance> {
  const app = await buildApp({ db, config });
  if (!app.hasRoute({ method: 'GET', url: '/ogcapi' })) ogcapiRoutes(app);
  return app;
}

type Props = Record<string, string | number>;

// Six decimals (~0.1 m) hide binary noise such as 120.1 + 0.03 = 120.13000000000001.
const r6 = (x: number) => Number(x.toFixed(6));

export function square(x: number, y: number, size = 0.01): number[][][] {
  const [x1, y1, x2, y2] = [r6(x), r6(y), r6(x + size), r6(y + size)];
  return [
    [
      [x1, y1],
      [x2, y1],
      [x2, y2],
      [x1, y2],
      [x1, y1],
    ],
  ];
}

export function featureCollection(features: { id: string; props: Props; rings: number[][][] | number[][][][] }[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: features.map((f) => ({
      type: 'Feature',
      id: f.id,
      properties: f.props,
      geometry: Array.isArray(f.rings[0][0][0])
        ? { type: 'MultiPolygon', coordinates: f.rings }
        : { type: 'Polygon', coordinates: f.rings },
    })),
  });
}

export const GRID_FIDS = Array.from({ length: 25 }, (_, k) => `G${String(k + 1).padStart(2, '0')}`);

export function gridFeatures() {
  const out = [];
  for (let j = 0; j < 5; j++) {
    for (let i = 0; i < 5; i++) {
      const k = j * 5 + i + 1;
      const even = (i + j) % 2 === 0;
      out.push({
        id: `G${String(k).padStart(2, '0')}`,
        props: {
          YDYHFLDM: even ? '0701' : '1001',
          YDYHFLMC: k === 25 ? '<script>alert(1)</script>' : even ? '居住用地' : '工业用地',
          DYBH: `DY-${j}`,
        },
        rings: square(120.1 + 0.01 * i, 30.2 + 0.01 * j),
      });
    }
  }
  return out;
}

export const V1_VALID_FROM = '2020-01-01T00:00:00.000Z';
export const V2_VALID_FROM = '2023-01-01T00:00:00.000Z';

/** Writes the fixture files into `dir` and imports them. */
export async function importOgcFixtures(db: Db, config: Config, dir: string): Promise<void> {
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const v1 = write(
    'ghyd_v1.geojson',
    featureCollection(
      [1, 2, 3].map((n) => ({
        id: `OLD-${n}`,
        props: { YDYHFLDM: '0101', YDYHFLMC: '水田', DYBH: 'DY-OLD' },
        rings: square(120.1 + 0.01 * (n - 1), 30.3),
      })),
    ),
  );
  const v2 = write('ghyd_v2.geojson', featureCollection(gridFeatures()));
  const lvx = write(
    'lvx.geojson',
    featureCollection([{ id: 'L1', props: { LDMC: '测试绿地', LDLX: '公园' }, rings: square(120.0, 30.0) }]),
  );
  const xzq = write(
    'xzq.geojson',
    featureCollection([
      {
        id: '330106',
        props: { XZQDM: '330106', XZQMC: '西湖区' },
        rings: [
          [
            [120.0, 30.0],
            [120.1, 30.0],
            [120.1, 30.5],
            [120.0, 30.5],
            [120.0, 30.0],
          ],
        ],
      },
      {
        id: '330108',
        props: { XZQDM: '330108', XZQMC: '滨江区' },
        rings: [
          [
            [120.1, 30.0],
            [120.2, 30.0],
            [120.2, 30.5],
            [120.1, 30.5],
            [120.1, 30.0],
          ],
        ],
      },
    ]),
  );
  const dltb = write(
    'dltb.geojson',
    featureCollection([
      { id: 'D-A', props: { DLBM: '0101', DLMC: '水田', TBMJ: 50 }, rings: square(120.02, 30.02) },
      { id: 'D-B', props: { DLBM: '0103', DLMC: '旱地', TBMJ: 150 }, rings: square(120.15, 30.02) },
      { id: 'D-C', props: { DLBM: '0101', DLMC: '水田', TBMJ: 250 }, rings: square(120.09, 30.05, 0.02) },
    ]),
  );
  // Fixtures for the OGC API, not 成果 deliveries: no 质检 (their codes and 行政区 are made up).
  await importFile(db, config, v1, { layer: 'GHYD', user: 'test', validFrom: V1_VALID_FROM, qc: false });
  await importFile(db, config, v2, { layer: 'GHYD', user: 'test', validFrom: V2_VALID_FROM, qc: false });
  await importFile(db, config, lvx, { layer: 'LVX', user: 'test' });
  await importFile(db, config, xzq, { layer: 'XZQ', user: 'test', qc: false });
  await importFile(db, config, dltb, { layer: 'DLTB', user: 'test', qc: false });
  await importFile(db, config, lvx, { layer: 'REFX', user: 'test' });
}
