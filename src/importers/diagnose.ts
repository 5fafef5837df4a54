// Turns raw problem rows from PostGIS into sentences a bureau technician can act on:
// what is wrong, where, and what is probably the cause (swapped axes, wrong .prj, wrong zone).
import { zoneOfSrid } from '../crs/zones.ts';
import type { ProblemRow } from '../store/store.repository.ts';
import type { ImportProblem } from './importers.schemas.ts';

export type { ImportProblem };

const GEOGRAPHIC = new Set([4490, 4326, 4214, 4610]);

const inside = (b: [number, number, number, number], x0: number, y0: number, x1: number, y1: number) =>
  x0 >= b[0] && y0 >= b[1] && x1 <= b[2] && y1 <= b[3];

/** Why a feature lies outside the city extent, judged from its source coordinates. */
export function explainOutside(p: ProblemRow, srid: number, srcBox: [number, number, number, number], extentText: string): string {
  const { xmin, ymin, xmax, ymax } = p as Required<Pick<ProblemRow, 'xmin' | 'ymin' | 'xmax' | 'ymax'>> as {
    xmin: number;
    ymin: number;
    xmax: number;
    ymax: number;
  };
  const at = `X/easting ${fmt(xmin)}…${fmt(xmax)}, Y/northing ${fmt(ymin)}…${fmt(ymax)}`;
  if (inside(srcBox, ymin, xmin, ymax, xmax)) {
    return (
      `coordinates (${at}) fall inside the city only with X and Y exchanged: the axes look swapped ` +
      `(surveyors write X = northing first; GIS files need easting first)`
    );
  }
  const geographic = GEOGRAPHIC.has(srid);
  if (geographic && (Math.abs(xmin) > 360 || Math.abs(ymax) > 360)) {
    return `the CRS (EPSG:${srid}) is in degrees but the coordinates (${at}) look like metres: the .prj or --srid is probably wrong (Hangzhou GK zone 40 is EPSG:4528 with zone prefix, 4549 without)`;
  }
  const zone = zoneOfSrid(srid);
  if (!geographic && Math.abs(xmax) <= 360 && Math.abs(ymax) <= 360) {
    return `the CRS (EPSG:${srid}) is in metres but the coordinates (${at}) look like degrees: the .prj or --srid is probably wrong (use 4490 for CGCS2000 longitude/latitude)`;
  }
  if (zone?.prefixed) {
    const prefix = Math.floor(xmin / 1e6);
    if (prefix !== zone.zone) {
      return (
        `eastings (${fmt(xmin)}…) carry zone prefix ${prefix} but the CRS EPSG:${srid} is zone ${zone.zone}` +
        (prefix < 13 ? ' (or have no zone prefix at all: try the no-prefix EPSG code)' : '')
      );
    }
  } else if (zone && xmin > 1e7) {
    return `eastings (${fmt(xmin)}…) carry a zone prefix but EPSG:${srid} expects none: use the zone-prefixed code (EPSG:${zone.width === 3 ? 4513 + zone.zone - 25 : 4491 + zone.zone - 13})`;
  }
  return `lies outside the city extent (${extentText}): ${at} in EPSG:${srid}`;
}

function fmt(n: number): string {
  return Math.abs(n) >= 1000 ? n.toFixed(1) : n.toFixed(6);
}

/** A one-line summary of all problems, naming the file and the likely common cause. */
export function summarise(file: string, problems: ImportProblem[], total: number, staged: number): string {
  const kinds = new Map<string, number>();
  for (const p of problems) kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
  const first = problems[0];
  const head = `${file}: ${total} of ${staged} features cannot be imported`;
  const where = first ? ` — first: feature ${first.fid}${first.location ? ` (${first.location})` : ''}: ${first.reason}` : '';
  const hint =
    kinds.has('invalid') && kinds.size === 1
      ? '. Nothing was written; repair the geometries or re-run with --make-valid'
      : kinds.has('empty') && kinds.size === 1
        ? '. Nothing was written; re-run with --skip-empty to leave features without geometry out'
        : '. Nothing was written';
  return head + where + hint;
}
