// 杭州萧山国际机场: the runway (JC) and its obstacle limitation surfaces (JCJK, domain.md §9):
// inner horizontal surface (4000 m around the runway, elevation + 45 m), conical surface (5% up
// to +100 m more, as 400 m rings each carrying the height at its inner edge), and the approach
// surfaces of both ends (trapezoids diverging 15% each side, 2% for 3000 m then 2.5% to 150 m,
// then level, as 1000 m strips each carrying the height at its near edge). Stepped heights are
// the conservative reading of the sloped surfaces. Geometry is built in EPSG:4549 (GK zone 40,
// metres) in PostGIS and transformed to EPSG:4490. Transitional surfaces are left out.
import type { Db } from '../db/index.ts';
import { AIRPORT } from './model.ts';
import { toBuffer, type DemoFeature } from './features.ts';
import { geometryToWkb } from '../util/wkb.ts';

const INNER_RADIUS = 4000;
const INNER_HEIGHT = 45;
const CONICAL_RINGS = 5;
const CONICAL_STEP = 400;
const APPROACH = { offset: 60, innerHalfWidth: 150, divergence: 0.15, length: 15000, strip: 1000 };

function approachHeight(d: number): number {
  if (d < 3000) return 0.02 * d;
  return Math.min(150, 60 + 0.025 * (d - 3000));
}

export async function airport(db: Db): Promise<{ jc: DemoFeature[]; jcjk: DemoFeature[] }> {
  const { name, lon, lat, elevation: elev, headingDeg, lengthM } = AIRPORT;
  const c = (
    await db.query<{ x: number; y: number }>(
      `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4490), 4549) AS p) s`,
      [lon, lat],
    )
  ).rows[0];
  const ux = Math.sin((headingDeg * Math.PI) / 180);
  const uy = Math.cos((headingDeg * Math.PI) / 180);
  const ends = [
    [c.x - (ux * lengthM) / 2, c.y - (uy * lengthM) / 2],
    [c.x + (ux * lengthM) / 2, c.y + (uy * lengthM) / 2],
  ];
  const runway = geometryToWkb({ type: 'LineString', coordinates: ends }).toString('hex');
  const q = async (sql: string, params: unknown[] = []) => toBuffer((await db.query<{ wkb: unknown }>(sql, params)).rows[0].wkb);
  const rw = `ST_SetSRID(ST_GeomFromWKB(decode('${runway}', 'hex')), 4549)`;
  const base = { JCMC: name };
  const jc: DemoFeature[] = [
    {
      fid: 'ZSHC-07/25',
      wkb: await q(`SELECT ST_AsBinary(ST_Transform(ST_Segmentize(${rw}, 100), 4490)) AS wkb`),
      props: { ...base, PDBH: '07/25', JCBG: elev, FXQDJ: '4F' },
    },
  ];
  const jcjk: DemoFeature[] = [
    {
      fid: 'JCJK-内水平面',
      wkb: await q(`SELECT ST_AsBinary(ST_Transform(ST_Buffer(${rw}, ${INNER_RADIUS}, 'quad_segs=32'), 4490)) AS wkb`),
      props: { ...base, XZMLX: '内水平面', XZGC: elev + INNER_HEIGHT },
    },
  ];
  for (let k = 0; k < CONICAL_RINGS; k++) {
    const r0 = INNER_RADIUS + k * CONICAL_STEP;
    jcjk.push({
      fid: `JCJK-锥形面-${k + 1}`,
      wkb: await q(
        `SELECT ST_AsBinary(ST_Transform(ST_Difference(ST_Buffer(${rw}, $1, 'quad_segs=32'), ST_Buffer(${rw}, $2, 'quad_segs=32')), 4490)) AS wkb`,
        [r0 + CONICAL_STEP, r0],
      ),
      props: { ...base, XZMLX: '锥形面', XZGC: elev + INNER_HEIGHT + 0.05 * (r0 - INNER_RADIUS) },
    });
  }
  // Approach surfaces: landing on 07 comes in over the south-west end, on 25 over the north-east end.
  for (const [designator, end, dir] of [
    ['07', ends[0], -1],
    ['25', ends[1], 1],
  ] as const) {
    const ax = dir * ux;
    const ay = dir * uy;
    for (let d0 = 0; d0 < APPROACH.length; d0 += APPROACH.strip) {
      const d1 = d0 + APPROACH.strip;
      const corner = (d: number, side: number) => {
        const along = APPROACH.offset + d;
        const half = APPROACH.innerHalfWidth + APPROACH.divergence * d;
        return [end[0] + ax * along - ay * half * side, end[1] + ay * along + ax * half * side];
      };
      const ring = [corner(d0, -1), corner(d1, -1), corner(d1, 1), corner(d0, 1), corner(d0, -1)];
      const hex = geometryToWkb({ type: 'Polygon', coordinates: [ring] }).toString('hex');
      jcjk.push({
        fid: `JCJK-进近面-${designator}-${String(d0 / APPROACH.strip + 1).padStart(2, '0')}`,
        wkb: await q(
          `SELECT ST_AsBinary(ST_Transform(ST_ForcePolygonCCW(ST_SetSRID(ST_GeomFromWKB(decode($1, 'hex')), 4549)), 4490)) AS wkb`,
          [hex],
        ),
        props: { ...base, XZMLX: '进近面', XZGC: Math.round((elev + approachHeight(d0)) * 10) / 10 },
      });
    }
  }
  return { jc, jcjk };
}
