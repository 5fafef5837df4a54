// One area per geometry (issue 18 item 2, decision 0011): however a geometry is split, its pieces'
// areas add up to the area of the whole, to 1e-7 relative, ellipsoidal and planar alike.
//
// The shape: W, 0.5° × 0.001° at 30°N (48.2 km × 111 m), its south side a staircase of short
// treads, its north edge one 48 km segment along the parallel 30.001°. Stored in EPSG:4490, its
// edges are straight in lon/lat, so along parallels and meridians: W is exactly a union of
// ellipsoidal quadrangles, each with a closed-form area (`quadrangle` below), 4,813,057.05 m².
// A geodesic between the ends of the north edge bulges L²·tanφ/(8R) ≈ 26 m north of the parallel,
// so ST_Area(geography) of W — each edge taken as a geodesic — is 17.6 % high (5,659,298.83 m²),
// and a piece whose north edge was cut in two at a T-junction is off by most of that.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from './helpers/db.ts';
import { importFile } from '../src/importers/pipeline.ts';
import { parcelsFromFile } from '../src/review/input.ts';
import { runReview } from '../src/review/engine.ts';
import type { Finding } from '../src/review/types.ts';

/** CGCS2000 ellipsoid (GRS80 to the 10th digit of the flattening). */
const A = 6378137;
const F = 1 / 298.257222101;
const E2 = F * (2 - F);
const E = Math.sqrt(E2);
const B = A * (1 - F);
const rad = (d: number) => (d * Math.PI) / 180;
const q = (phi: number) => {
  const s = Math.sin(rad(phi));
  return s / (1 - E2 * s * s) + Math.log((1 + E * s) / (1 - E * s)) / (2 * E);
};
/** Area (m²) of the ellipsoidal quadrangle between two meridians and two parallels. */
export const quadrangle = (lon0: number, lon1: number, lat0: number, lat1: number) => (rad(lon1 - lon0) * B * B * (q(lat1) - q(lat0))) / 2;

/**
 * A lon/lat polygon between lon0 and lon1: its north edge one segment along the parallel lat1, its
 * south side a staircase of `steps` treads alternating between the parallels lat0 and lat0 + rise,
 * joined by risers along meridians (corners ST_Subdivide keeps; it drops collinear vertices). Every
 * edge runs along a parallel or a meridian, so the region is a union of quadrangles: `area`.
 */
function staircase(lon0: number, lon1: number, lat0: number, lat1: number, steps: number, rise: number) {
  const ring: [number, number][] = [];
  let area = 0;
  for (let i = 0; i < steps; i++) {
    const x0 = lon0 + ((lon1 - lon0) * i) / steps;
    const x1 = lon0 + ((lon1 - lon0) * (i + 1)) / steps;
    const y = lat0 + (i % 2) * rise;
    ring.push([x0, y], [x1, y]);
    area += quadrangle(x0, x1, y, lat1);
  }
  ring.push([lon1, lat1], [lon0, lat1], ring[0]);
  return { ring, area };
}
const wkt = (rings: [number, number][][]) =>
  `SRID=4490;POLYGON(${rings.map((r) => '(' + r.map(([x, y]) => `${x} ${y}`).join(',') + ')').join(',')})`;

/** 150 treads of 0.0033° (322 m), 22 m risers: 303 vertices. */
const { ring: W, area: W_M2 } = staircase(120.0, 120.5, 30.0, 30.001, 150, 0.0002);

function near(actual: number, expected: number, rel: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= Math.abs(expected) * rel,
    `${what}: expected ${expected}, got ${actual} (${(actual - expected) / expected} relative)`,
  );
}

for (const tdb of testDatabases()) {
  describe(`one area per geometry on ${tdb.name}`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let dir: string;
    before(async () => {
      h = await tdb.open();
      dir = mkdtempSync(join(tmpdir(), 'onemap-area-'));
    });
    after(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** T-junction pieces: the south part whole (30.0005° is above the staircase), the north half cut at 120.25°E (a vertex on the long cut line on one side only). */
    const T_PIECES = `SELECT ST_ClipByBox2D(g, ST_MakeEnvelope(120.0, 30.0, 120.5, 30.0005)) AS p FROM w
                      UNION ALL SELECT ST_ClipByBox2D(g, ST_MakeEnvelope(120.0, 30.0005, 120.25, 30.001)) FROM w
                      UNION ALL SELECT ST_ClipByBox2D(g, ST_MakeEnvelope(120.25, 30.0005, 120.5, 30.001)) FROM w`;

    test('ellipsoidal: the whole, its ST_Subdivide pieces and T-junction pieces all measure the closed-form quadrangle', async () => {
      const r = await h.db.query<{ whole: number; sub: number; n: number; tj: number; geodesic: number }>(
        `WITH w AS (SELECT ST_GeomFromEWKT($1) AS g),
              sub AS (SELECT ST_Subdivide(g, 64) AS p FROM w),
              tj AS (${T_PIECES})
         SELECT (SELECT onemap_area(g) FROM w) AS whole, (SELECT sum(onemap_area(p)) FROM sub) AS sub,
                (SELECT count(*)::int FROM sub) AS n, (SELECT sum(onemap_area(p)) FROM tj) AS tj,
                (SELECT ST_Area(g::geography) FROM w) AS geodesic`,
        [wkt([W])],
      );
      const x = r.rows[0];
      assert.ok(x.n >= 4, `ST_Subdivide cut W into ${x.n} pieces`);
      near(x.whole, W_M2, 1e-7, 'whole');
      near(x.sub, W_M2, 1e-7, 'sum over ST_Subdivide pieces');
      near(x.tj, W_M2, 1e-7, 'sum over T-junction pieces');
      // The diagnosis: geodesic edges measure another region (the 48 km north edge bulges ~26 m).
      assert.ok(x.geodesic > W_M2 * 1.1, `ST_Area(geography) of W is ${x.geodesic}, not the quadrangle ${W_M2}`);
    });

    test('planar (GK zone 40): pieces add up to the whole, and the whole is the quadrangle times the zone scale', async () => {
      const r = await h.db.query<{ whole: number; own: number; sub: number; tj: number; srid: number }>(
        `WITH w AS (SELECT ST_GeomFromEWKT($1) AS g),
              sub AS (SELECT ST_Subdivide(g, 64) AS p FROM w),
              tj AS (${T_PIECES})
         SELECT (SELECT onemap_planar_area(g, 4549) FROM w) AS whole, (SELECT onemap_planar_area(g) FROM w) AS own,
                (SELECT onemap_planar_srid(g) FROM w) AS srid,
                (SELECT sum(onemap_planar_area(p, 4549)) FROM sub) AS sub, (SELECT sum(onemap_planar_area(p, 4549)) FROM tj) AS tj`,
        [wkt([W])],
      );
      const x = r.rows[0];
      assert.equal(x.srid, 4549, 'W (centre 120.25°E) is in zone 40, EPSG:4549');
      near(x.own, x.whole, 1e-12, 'onemap_planar_area(g) uses the feature zone');
      near(x.sub, x.whole, 1e-7, 'sum over ST_Subdivide pieces');
      near(x.tj, x.whole, 1e-7, 'sum over T-junction pieces');
      // Gauss-Krüger areal scale m² ≈ 1 + x²/R² at easting x from the central meridian 120°E; W spans
      // x ∈ [0, X], X = 0.5° · N·cos30° = 48,243 m, so its mean is 1 + X²/(3R²), R² = M·N at 30°N.
      const s = Math.sin(rad(30));
      const N = A / Math.sqrt(1 - E2 * s * s);
      const M = (A * (1 - E2)) / Math.pow(1 - E2 * s * s, 1.5);
      const X = rad(0.5) * N * Math.cos(rad(30));
      near(x.whole, W_M2 * (1 + (X * X) / (3 * M * N)), 1e-7, 'planar = ellipsoidal × GK areal scale');
    });

    test('a review across many pieces reports for W the area the import stored for it', async () => {
      // YJJBNT holds W; CZKFBJ holds the project box with W as a hole; the project is that box.
      // Both W and the box (303 vertices each) are above 256 vertices, so stored W is kept as
      // ST_Subdivide pieces and the project is cut the same way before the overlay: the 占用永久基本农田
      // overlap and the part outside 城镇开发边界 are both W, measured as sums over pieces.
      const box = staircase(119.99, 120.51, 29.999, 30.002, 150, 0.0002);
      const gj = (features: { id: string; rings: [number, number][][] }[]) =>
        JSON.stringify({
          type: 'FeatureCollection',
          features: features.map((f) => ({
            type: 'Feature',
            id: f.id,
            properties: {},
            geometry: { type: 'Polygon', coordinates: f.rings },
          })),
        });
      const file = (name: string, text: string) => {
        const p = join(dir, name);
        writeFileSync(p, text);
        return p;
      };
      await importFile(h.db, h.config, file('yj.geojson', gj([{ id: 'W', rings: [W] }])), { layer: 'YJJBNT', user: 'test' });
      await importFile(h.db, h.config, file('bj.geojson', gj([{ id: 'B', rings: [box.ring, [...W].reverse()] }])), {
        layer: 'CZKFBJ',
        user: 'test',
      });
      const stored = (
        await h.db.query<{ area_m2: number; planar_m2: number; parts: number }>(
          `SELECT f.area_m2, f.planar_m2, (SELECT count(*)::int FROM feature_part p WHERE p.layer_id = f.layer_id AND p.feature_id = f.id) AS parts
             FROM feature f JOIN layer l ON l.id = f.layer_id WHERE l.code = 'YJJBNT' AND f.fid = 'W'`,
        )
      ).rows[0];
      assert.ok(stored.parts >= 2, `W is stored as ${stored.parts} pieces`);
      near(stored.area_m2, W_M2, 1e-7, 'stored area of W');

      const parcels = await parcelsFromFile(h.db, h.config, file('project.geojson', gj([{ id: 'P', rings: [box.ring] }])));
      const r = await runReview(h.db, { parcels, type: 'urban-construction', user: 'tester', name: 'pieces' });
      near(r.project.areaM2, box.area, 1e-7, 'project area');
      const f = (id: string) => r.findings.find((x) => x.ruleId === id) as Finding;
      const yj = f('yjjbnt');
      const bj = f('czkfbj');
      assert.equal(yj.verdict, 'fail');
      assert.equal(bj.verdict, 'fail');
      near(yj.features[0].overlapAreaM2, stored.area_m2, 1e-7, 'YJJBNT overlap of W');
      near(yj.overlapAreaM2, stored.area_m2, 1e-7, 'YJJBNT finding');
      near(bj.overlapAreaM2, stored.area_m2, 1e-7, 'outside CZKFBJ (= W)');
      near(yj.overlapAreaPlanarM2, stored.planar_m2, 1e-7, 'YJJBNT finding, planar');
      near(bj.overlapAreaPlanarM2, stored.planar_m2, 1e-7, 'outside CZKFBJ, planar');
    });
  });
}
