// The map of the review opinion (审查意见书): project boundary and overlap geometries, reduced to a
// neutral display list (paths and text in one coordinate space, origin top-left, y down, units = PDF
// points) that html.ts draws as SVG and pdf.ts draws with pdfkit, so both documents show the same map.
// Geometries are EPSG:4490 lon/lat; the projection is a local equirectangular one (x = lon·cos lat0,
// y = lat), good enough for a sketch of a project a few kilometres across.
import type { GeoJSONGeometry, OpinionInput, Verdict } from '../types.ts';

export type Pt = [number, number];

/** Parallel lines clipped to the path; angle in degrees, spacing in drawing units. */
export interface Hatch {
  color: string;
  spacing: number;
  angle: number;
}

export interface ShapeStyle {
  fill: string | null;
  fillOpacity: number;
  stroke: string | null;
  strokeWidth: number;
  dash: [number, number] | null;
  hatch: Hatch | null;
}

export interface MapPath {
  type: 'path';
  /** geom: a project or finding geometry; deco: frame, scale bar, north arrow, legend swatches. */
  role: 'geom' | 'deco';
  /** Finding key, or 'project' for the boundary. */
  ref: string | null;
  verdict: Verdict | null;
  rings: Pt[][];
  style: ShapeStyle;
}

export interface MapText {
  type: 'text';
  x: number;
  /** Alphabetic baseline. */
  y: number;
  text: string;
  size: number;
  anchor: 'start' | 'middle' | 'end';
  bold: boolean;
  color: string;
}

export type MapShape = MapPath | MapText;

export interface MapDrawing {
  width: number;
  height: number;
  shapes: MapShape[];
  /** Ground metres per drawing unit, horizontally (for tests and captions). */
  metresPerUnit: number;
  scaleBarMetres: number;
}

/** Reviewer vocabulary (domain.md §4); the legend and both renderers use the same words. */
export const VERDICT_TEXT: Record<Verdict, string> = {
  pass: '通过',
  warn: '有提示',
  fail: '不通过',
  'no-data': '无数据',
};

const noStyle: ShapeStyle = { fill: null, fillOpacity: 1, stroke: null, strokeWidth: 0, dash: null, hatch: null };
const style = (s: Partial<ShapeStyle>): ShapeStyle => ({ ...noStyle, ...s });

export const PROJECT_STYLE = style({ fill: '#1f3a93', fillOpacity: 0.06, stroke: '#1f3a93', strokeWidth: 1.6 });

export const VERDICT_STYLE: Record<Verdict, ShapeStyle> = {
  fail: style({ fill: '#e31a1c', fillOpacity: 0.45, stroke: '#b10026', strokeWidth: 0.8 }),
  warn: style({ fill: '#ff7f00', fillOpacity: 0.45, stroke: '#d95f02', strokeWidth: 0.8 }),
  pass: style({ fill: '#33a02c', fillOpacity: 0.35, stroke: '#1b7837', strokeWidth: 0.8 }),
  'no-data': style({ stroke: '#808080', strokeWidth: 0.8, dash: [3, 2], hatch: { color: '#808080', spacing: 5, angle: 45 } }),
};

// Fail is drawn last so that it stays on top where layers overlap each other.
const DRAW_ORDER: Verdict[] = ['no-data', 'pass', 'warn', 'fail'];

// CGCS2000 ellipsoid (GB/T 18522): the east–west length of a degree is N·cos φ·π/180, so after
// x = lon·cos φ0 one x unit is N(φ0)·π/180 metres.
const A = 6378137;
const F = 1 / 298.257222101;
const E2 = F * (2 - F);
const metresPerDegreeX = (latDeg: number) => {
  const s = Math.sin((latDeg * Math.PI) / 180);
  return ((A / Math.sqrt(1 - E2 * s * s)) * Math.PI) / 180;
};

/** Polygon rings of any Polygon / MultiPolygon / GeometryCollection; points and lines are skipped. */
export function polygonRings(g: GeoJSONGeometry | null | undefined): Pt[][] {
  if (!g) return [];
  const ring = (r: unknown): Pt[] =>
    Array.isArray(r)
      ? r.filter((p): p is number[] => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1])).map((p) => [p[0], p[1]] as Pt)
      : [];
  const polygon = (p: unknown): Pt[][] => (Array.isArray(p) ? p.map(ring).filter((r) => r.length >= 3) : []);
  switch (g.type) {
    case 'Polygon':
      return polygon(g.coordinates);
    case 'MultiPolygon':
      return Array.isArray(g.coordinates) ? g.coordinates.flatMap(polygon) : [];
    case 'GeometryCollection':
      return (g.geometries ?? []).flatMap((c) => polygonRings(c as GeoJSONGeometry));
    default:
      return [];
  }
}

/** Largest 1·2·5 × 10^k metres not above `max` (50, 100, 200, 500 m, 1, 2, 5 km …). */
export function niceScaleMetres(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [5, 2, 1]) if (m * p <= max) return m * p;
  return p;
}

export const scaleLabel = (m: number) => (m >= 1000 ? `${m / 1000} km` : `${m} m`);

/** SVG path data; pdfkit's doc.path() reads the same string. */
export function pathData(rings: Pt[][]): string {
  const n = (v: number) => (Math.round(v * 100) / 100).toString();
  return rings.map((r) => `M${r.map(([x, y]) => `${n(x)} ${n(y)}`).join('L')}Z`).join('');
}

export interface MapSize {
  width: number;
  /** Height of the map frame; the legend is added below it. */
  height: number;
}

export function buildOpinionMap(input: OpinionInput, size: MapSize = { width: 495, height: 330 }): MapDrawing {
  const { project, findings } = input.run;
  const layers = findings
    .filter((f) => f.geometry)
    .map((f) => ({ f, rings: polygonRings(f.geometry) }))
    .filter((l) => l.rings.length > 0)
    .sort((a, b) => DRAW_ORDER.indexOf(a.f.verdict) - DRAW_ORDER.indexOf(b.f.verdict));
  const projectRings = polygonRings(project.geometry);

  // Fit: the project bbox, widened to any geometry that pokes out of it.
  let [minX, minY, maxX, maxY] = project.bbox;
  for (const r of [...projectRings, ...layers.flatMap((l) => l.rings)].flat()) {
    minX = Math.min(minX, r[0]);
    maxX = Math.max(maxX, r[0]);
    minY = Math.min(minY, r[1]);
    maxY = Math.max(maxY, r[1]);
  }
  const lat0 = (minY + maxY) / 2;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const mPerX = metresPerDegreeX(lat0);
  // A single point or a sliver still gets a 50 m window.
  const minSpan = 50 / mPerX;
  const spanX = Math.max((maxX - minX) * k, minSpan);
  const spanY = Math.max(maxY - minY, minSpan);
  const margin = 0.1;
  const { width: W, height: H } = size;
  const s = Math.min((W * (1 - 2 * margin)) / spanX, (H * (1 - 2 * margin)) / spanY);
  const cx = ((minX + maxX) / 2) * k;
  const cy = (minY + maxY) / 2;
  const project2d = ([lon, lat]: Pt): Pt => [W / 2 + (lon * k - cx) * s, H / 2 - (lat - cy) * s];
  const toDrawing = (rings: Pt[][]) => rings.map((r) => r.map(project2d));
  const metresPerUnit = mPerX / s;

  const shapes: MapShape[] = [];
  const rect = (x: number, y: number, w: number, h: number, st: ShapeStyle): MapPath => ({
    type: 'path',
    role: 'deco',
    ref: null,
    verdict: null,
    rings: [
      [
        [x, y],
        [x + w, y],
        [x + w, y + h],
        [x, y + h],
      ],
    ],
    style: st,
  });
  const text = (x: number, y: number, t: string, size: number, anchor: MapText['anchor'] = 'start', bold = false): MapText => ({
    type: 'text',
    x,
    y,
    text: t,
    size,
    anchor,
    bold,
    color: '#222222',
  });

  shapes.push(rect(0, 0, W, H, style({ fill: '#ffffff', stroke: '#666666', strokeWidth: 0.8 })));
  if (projectRings.length) {
    shapes.push({ type: 'path', role: 'geom', ref: 'project', verdict: null, rings: toDrawing(projectRings), style: PROJECT_STYLE });
  }
  for (const { f, rings } of layers) {
    shapes.push({ type: 'path', role: 'geom', ref: f.key, verdict: f.verdict, rings: toDrawing(rings), style: VERDICT_STYLE[f.verdict] });
  }

  // Scale bar, bottom left: about a quarter of the frame, two alternating halves.
  const scaleBarMetres = niceScaleMetres(W * 0.25 * metresPerUnit);
  const barLen = scaleBarMetres / metresPerUnit;
  const bx = 14;
  const by = H - 16;
  shapes.push(rect(bx, by, barLen / 2, 4, style({ fill: '#222222', stroke: '#222222', strokeWidth: 0.5 })));
  shapes.push(rect(bx + barLen / 2, by, barLen / 2, 4, style({ fill: '#ffffff', stroke: '#222222', strokeWidth: 0.5 })));
  shapes.push(text(bx, by - 4, '0', 7, 'middle'));
  shapes.push(text(bx + barLen, by - 4, scaleLabel(scaleBarMetres), 7, 'middle'));

  // North arrow, top right: the map is north up by construction.
  const nx = W - 22;
  const ny = 16;
  shapes.push({
    type: 'path',
    role: 'deco',
    ref: null,
    verdict: null,
    rings: [
      [
        [nx, ny + 6],
        [nx + 7, ny + 28],
        [nx, ny + 22],
        [nx - 7, ny + 28],
      ],
    ],
    style: style({ fill: '#222222', stroke: '#222222', strokeWidth: 0.5 }),
  });
  shapes.push(text(nx, ny + 2, '北', 9, 'middle', true));

  // Legend below the frame, two columns.
  const entries: { label: string; st: ShapeStyle }[] = [];
  if (projectRings.length) entries.push({ label: '项目用地范围', st: PROJECT_STYLE });
  const seen = new Set<string>();
  for (const { f } of [...layers].reverse()) {
    const label = `${f.layerName}（${VERDICT_TEXT[f.verdict]}）`;
    if (seen.has(label)) continue;
    seen.add(label);
    entries.push({ label, st: VERDICT_STYLE[f.verdict] });
  }
  const rowH = 15;
  const colW = W / 2;
  entries.forEach((e, i) => {
    const x = (i % 2) * colW;
    const y = H + 8 + Math.floor(i / 2) * rowH;
    shapes.push(rect(x + 2, y, 16, 9, e.st));
    shapes.push(text(x + 24, y + 8, e.label, 8));
  });
  const height = H + 8 + Math.ceil(entries.length / 2) * rowH;

  return { width: W, height, shapes, metresPerUnit, scaleBarMetres };
}
