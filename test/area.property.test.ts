// Every area a review prints agrees with a straightforward PostGIS computation (issue 18, "Done
// when", item 2): random project boundaries on the demo city (small scale, seeded), reviewed with
// the default rule set; each finding's area — forbidden overlaps, the part outside 城镇开发边界, the
// setback bands — and each feature's overlap is recomputed from the whole project boundary and the
// whole features of the layer (their union), with no ST_Subdivide pieces and no per-piece sums.
//  - With the same measure (onemap_area) they must agree to 1e-7 relative (item 2: one area per
//    geometry). Before decision 0011 the review summed ST_Area(geography) over pieces and this
//    failed at the first boundary (46 m² on 2.8 km²).
//  - With ST_Area(geography) of the whole they must agree to 0.01 %. That is a different region
//    (geodesic edges): the two differ by ≤ L³·tanφ/(12R) per edge of length L, ≈ 100 m² for a 2.6 km
//    east-west edge at 30°N; the boundaries here (mean radius 0.3–2.3 km, 5–24 vertices) and the
//    demo's edges keep that below 7e-5 of every figure (the largest seen). 1 m² is the floor, the
//    default rule set's own sliver tolerance. The 17,584,786.44 against 17,585,183.76 m² is
//    2.3e-5: within 0.01 % — the 1e-7 check is the one that caught it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabases } from './helpers/db.ts';
import { generateDemo } from '../src/demo/index.ts';
import { mulberry32 } from '../src/demo/prng.ts';
import { parcelsFromFile } from '../src/review/input.ts';
import { runReview } from '../src/review/engine.ts';
import { DEFAULT_RULESET } from '../src/review/ruleset.ts';
import type { Db } from '../src/db/index.ts';
import { isGeosFailure } from '../src/db/geos.ts';
import type { Finding } from '../src/review/types.ts';

/** Project boundaries per database: ~0.1 s each on PGlite; the demo city itself takes ~20 s. */
const N = 60;
const SEED = 18_2;
/** Same measure, whole against pieces: issue 18 item 2 asks 1e-7. */
const SAME = 1e-7;
/** Against ST_Area(geography) of the whole: the 0.01 %. */
const REL = 1e-4;
const FLOOR_M2 = 1;

/**
 * A star-shaped polygon around (lon, lat): k vertices at sorted random angles and random radii
 * (so the ring is simple), mean radius 300 m – 2.3 km.
 */
function randomPolygon(rand: () => number, lon: number, lat: number): [number, number][] {
  const k = 5 + Math.floor(rand() * 20);
  const r0 = 300 + rand() * 2000;
  const angles = Array.from({ length: k }, (_, i) => ((i + 0.8 * rand()) * 2 * Math.PI) / k);
  const mLon = 111320 * Math.cos((lat * Math.PI) / 180);
  const ring = angles.map((t): [number, number] => {
    const r = r0 * (0.4 + 0.6 * rand());
    return [lon + (r * Math.cos(t)) / mLon, lat + (r * Math.sin(t)) / 110574];
  });
  return [...ring, ring[0]];
}

interface Straight {
  m2: number;
  geodesic_m2: number;
  /** Σ L³·tanφ/(12R) over the edges: how far the geodesic region of g can be from its lon/lat region. */
  sliver_m2: number;
}

/** The edge-sliver bound of decision 0011 for geometry expression g (R = 6,371 km, 1 % margin for the ellipsoid). */
const SLIVER = (g: string) =>
  `coalesce((SELECT sum(power(ST_Length(s.geom::geography), 3) * abs(tan(radians(ST_Y(ST_Centroid(s.geom)))))) * 1.01 / (12 * 6371000)
               FROM ST_DumpSegments(${g}) s), 0)`;

const LIVE = `f.layer_id = (SELECT id FROM layer WHERE code = $2) AND f.v_to IS NULL`;

/** Project ∩ (or −, for must-be-within) the union of the layer's features, whole. */
async function overlayOfUnion(db: Db, ewkb: string, layer: string, mode: 'intersection' | 'difference', where = 'true'): Promise<Straight> {
  const op = mode === 'intersection' ? 'ST_Intersection(p.g, u.g)' : 'CASE WHEN u.g IS NULL THEN p.g ELSE ST_Difference(p.g, u.g) END';
  const r = await db.query<Straight>(
    `WITH p AS (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g),
          u AS (SELECT ST_Union(f.geom) AS g FROM feature f, p WHERE ${LIVE} AND f.geom && p.g AND ${where}),
          x AS (SELECT ST_CollectionExtract(${op}, 3) AS g FROM p, u)
     SELECT coalesce(onemap_area(x.g), 0) AS m2, coalesce(ST_Area(x.g::geography), 0) AS geodesic_m2, ${SLIVER('x.g')} AS sliver_m2 FROM x`,
    [ewkb, layer],
  );
  return r.rows[0];
}

/** Project ∩ one whole feature. */
async function overlayOfFeature(db: Db, ewkb: string, layer: string, fid: string): Promise<Straight> {
  const r = await db.query<Straight>(
    `WITH p AS (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g),
          x AS (SELECT ST_CollectionExtract(ST_Intersection(p.g, f.geom), 3) AS g FROM feature f, p WHERE ${LIVE} AND f.fid = $3)
     SELECT coalesce(onemap_area(x.g), 0) AS m2, coalesce(ST_Area(x.g::geography), 0) AS geodesic_m2, ${SLIVER('x.g')} AS sliver_m2 FROM x`,
    [ewkb, layer, fid],
  );
  return r.rows[0];
}

/**
 * The setback band: project ∩ (the union of every feature buffered by its distance) − the union of
 * the features, in the project's Gauss-Krüger zone (both densified first, as the review does, so the
 * zone sees the same lon/lat-straight edges), measured back in EPSG:4490.
 */
async function setbackBand(db: Db, ewkb: string, layer: string, srid: number, rule: Record<string, unknown>): Promise<Straight> {
  const field = (rule.distanceField as string | undefined) ?? null;
  const defaultM = rule.distanceM as number;
  const maxM = field ? ((rule.maxDistanceM as number | undefined) ?? Math.max(1000, defaultM)) : defaultM;
  const r = await db.query<Straight>(
    `WITH p AS (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g),
          f AS (SELECT ST_Transform(onemap_densify(f.geom), $3::int) AS g,
                       CASE WHEN $4::text IS NOT NULL AND f.props->>$4::text ~ '^[0-9]+(\\.[0-9]+)?$'
                            THEN least((f.props->>$4::text)::float8, $6::float8) ELSE $5::float8 END AS d
                  FROM feature f, p WHERE ${LIVE} AND f.geom && ST_Expand(p.g, $6::float8 / 90000)),
          b AS (SELECT ST_Union(ST_Buffer(g, d)) AS buf, ST_Union(g) AS u FROM f),
          x AS (SELECT ST_Transform(ST_CollectionExtract(ST_Difference(ST_Intersection(ST_Transform(onemap_densify(p.g), $3::int), b.buf), b.u), 3), 4490) AS g
                  FROM p, b WHERE b.buf IS NOT NULL)
     SELECT coalesce((SELECT onemap_area(g) FROM x), 0) AS m2, coalesce((SELECT ST_Area(g::geography) FROM x), 0) AS geodesic_m2,
            coalesce((SELECT ${SLIVER('g')} FROM x), 0) AS sliver_m2`,
    [ewkb, layer, srid, field, defaultM, maxM],
  );
  return r.rows[0];
}

function agree(actual: number, expected: number, rel: number, floor: number, what: string) {
  const tol = Math.max(Math.abs(expected) * rel, floor);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: review ${actual}, straightforward ${expected} (diff ${actual - expected} m²)`);
}

/**
 * The review's figure against ST_Area(geography) of the whole: within 0.01 % (or 1 m²), or, where
 * the geometry has long edges, within their sliver estimate Σ L³·tanφ/(12R). The estimate only
 * widens the tolerance; it is not asserted to hold: on one clipped 城镇开发边界 (boundary 6) the two
 * measures differ by 2.09 m² against an estimate of 2.03 m² (both far inside 0.01 % = 40 m²), which
 * is not explained yet. Returns whether 0.01 % alone sufficed.
 */
function agreeGeodesic(actual: number, s: Straight, what: string): boolean {
  const within = Math.abs(actual - s.geodesic_m2) <= Math.max(Math.abs(s.geodesic_m2) * REL, FLOOR_M2);
  agree(actual, s.geodesic_m2, REL, Math.max(FLOOR_M2, s.sliver_m2), `${what} (geodesic)`);
  return within;
}

for (const tdb of testDatabases()) {
  describe(`every review area agrees with a straightforward query, random boundaries on the demo city (${tdb.name})`, () => {
    let h: Awaited<ReturnType<typeof tdb.open>>;
    let dir: string;
    before(async () => {
      h = await tdb.open();
      dir = mkdtempSync(join(tmpdir(), 'onemap-area-prop-'));
      await generateDemo(h.db, h.config, { scale: 'small' });
    });
    after(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test(`${N} seeded random boundaries: every finding, feature and project area agrees`, async (t) => {
      const rand = mulberry32(SEED);
      // Half the centres on a vertex of a 城镇开发边界 boundary (a big feature kept as pieces, so the
      // project crosses its cuts and straddles the boundary), half anywhere in the city's extent.
      const ext = (
        await h.db.query<{ xmin: number; ymin: number; xmax: number; ymax: number }>(
          `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
             FROM (SELECT ST_Extent(f.geom) AS e FROM feature f JOIN layer l ON l.id = f.layer_id WHERE l.code = 'XZQ' AND f.v_to IS NULL) s`,
        )
      ).rows[0];
      const czk = (
        await h.db.query<{ x: number; y: number }>(
          `SELECT ST_X(d.geom) AS x, ST_Y(d.geom) AS y
             FROM feature f JOIN layer l ON l.id = f.layer_id, ST_DumpPoints(f.geom) d
            WHERE l.code = 'CZKFBJ' AND f.v_to IS NULL ORDER BY f.fid, d.path`,
        )
      ).rows;
      assert.ok(czk.length > 256, `the demo 城镇开发边界 has ${czk.length} vertices`);
      const pieces = (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM feature_part`)).rows[0].n;
      assert.ok(pieces > 0, 'the demo city keeps big features as pieces');

      const checked: Record<string, number> = {};
      const geodesic = { within: 0, bySliverBound: 0 };
      const geosFailed: number[] = [];
      const tally = (within: boolean) => (within ? geodesic.within++ : geodesic.bySliverBound++);
      for (let i = 0; i < N; i++) {
        let lon: number, lat: number;
        if (i % 2 === 0) {
          const v = czk[Math.floor(rand() * czk.length)];
          [lon, lat] = [v.x, v.y];
        } else {
          lon = ext.xmin + rand() * (ext.xmax - ext.xmin);
          lat = ext.ymin + rand() * (ext.ymax - ext.ymin);
        }
        const ring = randomPolygon(rand, lon, lat);
        const file = join(dir, `p${i}.geojson`);
        writeFileSync(
          file,
          JSON.stringify({
            type: 'FeatureCollection',
            features: [{ type: 'Feature', id: `P${i}`, properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }],
          }),
        );
        const parcels = await parcelsFromFile(h.db, h.config, file);
        let r;
        try {
          r = await runReview(h.db, { parcels, type: 'urban-construction', user: 'tester', name: `random ${i}` });
        } catch (e) {
          // A GEOS failure fails the review closed (decision 0008): no figure is printed, so there is
          // none to compare. It is not an area question; the test says which boundaries did it.
          if (!isGeosFailure(e)) throw e;
          geosFailed.push(i);
          continue;
        }
        const ewkb = parcels[0].ewkb;
        const at = `boundary ${i} (${lon.toFixed(5)}, ${lat.toFixed(5)})`;

        const whole = (
          await h.db.query<Straight & { srid: number }>(
            `SELECT onemap_area(g) AS m2, ST_Area(g::geography) AS geodesic_m2, ${SLIVER('g')} AS sliver_m2, onemap_planar_srid(g) AS srid FROM (SELECT ST_GeomFromEWKB(decode($1, 'hex')) AS g) s`,
            [ewkb],
          )
        ).rows[0];
        agree(r.project.areaM2, whole.m2, SAME, 0, `${at}: project area`);
        tally(agreeGeodesic(r.project.areaM2, whole, `${at}: project area`));

        // Float noise: a must-be-within figure is the project's area minus the sum inside, two
        // project-sized numbers; 1e-9 of the project is far above their rounding (~1e-15) and far below
        // what a cut used to change (1e-5).
        const noise = 1e-9 * whole.m2;
        for (const f of r.findings as Finding[]) {
          const rule = DEFAULT_RULESET.rules.find((x) => x.id === f.ruleId) as Record<string, unknown>;
          let straight: Straight | null = null;
          if (f.layerVersion === null) continue; // no data: nothing measured
          if (f.rule === 'forbidden-overlap') straight = await overlayOfUnion(h.db, ewkb, f.layer, 'intersection');
          else if (f.rule === 'must-be-within') straight = await overlayOfUnion(h.db, ewkb, f.layer, 'difference');
          else if (f.rule === 'setback') straight = await setbackBand(h.db, ewkb, f.layer, whole.srid, rule);
          if (straight) {
            agree(f.overlapAreaM2, straight.m2, SAME, noise, `${at}: ${f.ruleId}`);
            tally(agreeGeodesic(f.overlapAreaM2, straight, `${at}: ${f.ruleId}`));
            checked[f.rule] = (checked[f.rule] ?? 0) + 1;
          }
          if (f.rule === 'setback') continue; // its features share the band, they are not overlaps
          for (const x of f.features) {
            const s = await overlayOfFeature(h.db, ewkb, f.layer, x.fid);
            agree(x.overlapAreaM2, s.m2, SAME, noise, `${at}: ${f.ruleId} feature ${x.fid}`);
            tally(agreeGeodesic(x.overlapAreaM2, s, `${at}: ${f.ruleId} feature ${x.fid}`));
            checked.feature = (checked.feature ?? 0) + 1;
          }
        }
      }
      t.diagnostic(`figures compared: ${JSON.stringify(checked)}; against ST_Area(geography): ${JSON.stringify(geodesic)}`);
      if (geosFailed.length) t.diagnostic(`reviews that failed closed on a GEOS error: boundaries ${geosFailed.join(', ')}`);
      assert.ok(geosFailed.length <= N / 10, `${geosFailed.length} of ${N} reviews failed on GEOS errors`);
      // The boundaries did reach the layers: findings with an area of each kind were compared.
      for (const k of ['forbidden-overlap', 'must-be-within', 'setback', 'feature'])
        assert.ok((checked[k] ?? 0) > 0, `no ${k} compared: ${JSON.stringify(checked)}`);
    });
  });
}
