// The One Map viewer's server side (一张图, GB/T 39972-2021: browse, query, measure, compare,
// thematic maps): the catalogue as the viewer draws it, identify at a point across every layer the
// caller may read, measuring a drawn geometry, thematic classes of an attribute, the changes
// between two versions of a layer with their geometry, and label points.
//
// Who sees what is auth/layers.ts's decision, applied to every query here: the public never gets
// a restricted layer (an unknown code and a restricted one answer the same 404), district officers
// get restricted layers inside their districts only.
import { readFileSync } from 'node:fs';
import { readerFor, type Queryable } from '../db/index.ts';
import type { Config, DistrictLayer } from '../config.ts';
import type { User } from '../auth/types.ts';
import type { AttrField, LayerRow } from '../catalogue/catalogue.service.ts';
import { layerSummaries, UnknownLayerError } from '../catalogue/catalogue.service.ts';
import { readableLayer, readableLayers, type LayerScope } from '../auth/layers.ts';
import { resolveVersion } from '../store/store.service.ts';
import { m2ToMu } from '../area/units.ts';
import { Invalid } from '../errors.ts';
import type { Static } from '../schema.ts';
import type { ChangesAnswer as ChangesSchema } from './mapview.schemas.ts';
import * as repo from './mapview.repository.ts';

// ---------------------------------------------------------------- styles registry

export interface LayerStyle {
  color: string;
  /** Fill opacity of polygons (0–1); lines and points ignore it. */
  opacity?: number;
  /** false: polygons drawn as outlines only (district borders, development boundary). */
  fill?: boolean;
  lineWidth?: number;
  circleRadius?: number;
  /** Colours by the first `prefix` characters of `field` (land-use classes), with their names. */
  categories?: { field: string; prefix: number; labelField?: string; colors: Record<string, string>; labels?: Record<string, string> };
}

interface StyleRegistry {
  classOrder: string[];
  defaultVisible: string[];
  fallbackColors: string[];
  layers: Record<string, LayerStyle>;
}

// "$comment" keys document the file; they are not styles.
const STYLES = JSON.parse(readFileSync(new URL('./layer-styles.json', import.meta.url), 'utf8'), (k, v) =>
  k === '$comment' ? undefined : v,
) as StyleRegistry;

export function styleOf(code: string, index: number): LayerStyle {
  return STYLES.layers[code] ?? { color: STYLES.fallbackColors[index % STYLES.fallbackColors.length] };
}

// ---------------------------------------------------------------- catalogue

export interface ViewerLayer {
  code: string;
  name: string;
  nameEn: string | null;
  class: string;
  geometryType: string;
  public: boolean;
  /** 'all' or 'districts' (a district officer reading a restricted layer). */
  scope: 'all' | 'districts';
  version: number | null;
  versions: number;
  featureCount: number;
  statutory: boolean;
  legalBasis: string | null;
  source: string | null;
  ownerDept: string | null;
  dataDate: string | null;
  attributes: AttrField[];
  style: LayerStyle;
  visible: boolean;
}

/** Every layer this caller may read, with what the viewer needs to list, draw and explain it. */
export async function viewerCatalogue(db: Queryable, user: User): Promise<{ classOrder: string[]; layers: ViewerLayer[] }> {
  const scopes = await readableLayers(db, user);
  const counts = new Map((await layerSummaries(db)).map((s) => [s.code, s.feature_count]));
  const versions = await repo.versionCounts(db);
  const layers = scopes.map((s, i): ViewerLayer => ({
    code: s.layer.code,
    name: s.layer.name_zh,
    nameEn: s.layer.name_en,
    class: s.layer.class,
    geometryType: s.layer.geometry_type,
    public: s.layer.public,
    scope: s.districts ? 'districts' : 'all',
    version: s.layer.active_version,
    versions: versions.get(s.layer.id) ?? 0,
    featureCount: counts.get(s.layer.code) ?? 0,
    statutory: s.layer.statutory,
    legalBasis: s.layer.legal_basis,
    source: s.layer.source,
    ownerDept: s.layer.owner_dept,
    dataDate: s.layer.data_date,
    attributes: s.layer.attr_schema ?? [],
    style: styleOf(s.layer.code, i),
    visible: STYLES.defaultVisible.includes(s.layer.code) && s.layer.active_version !== null,
  }));
  const classes = [...STYLES.classOrder, ...new Set(layers.map((l) => l.class).filter((c) => !STYLES.classOrder.includes(c)))];
  return { classOrder: classes, layers };
}

// ---------------------------------------------------------------- identify

export interface Attribute {
  field: string;
  label: string;
  value: unknown;
}

export interface IdentifiedFeature {
  fid: string;
  label: string;
  attributes: Attribute[];
  areaM2: number | null;
  planarAreaM2: number | null;
  areaMu: number | null;
  lengthM: number | null;
  /** 0 inside a polygon; metres to a line or point within the tolerance. */
  distanceM: number;
  bbox: [number, number, number, number];
}

export interface IdentifiedLayer {
  code: string;
  name: string;
  class: string;
  geometryType: string;
  version: number;
  legalBasis: string | null;
  ownerDept: string | null;
  features: IdentifiedFeature[];
}

export interface IdentifyAnswer {
  point: [number, number];
  toleranceM: number;
  layers: IdentifiedLayer[];
  featureCount: number;
}

/** Largest tolerance for lines and points, metres (a few screen pixels at the city-wide zoom). */
export const MAX_TOLERANCE_M = 2000;
const PER_LAYER = 50;

/** Attributes in the layer's schema order with their labels, then any others by name. */
export function attributesOf(schema: AttrField[], props: Record<string, unknown>): Attribute[] {
  const known = schema.filter((a) => a.name in props).map((a) => ({ field: a.name, label: a.label ?? a.name, value: props[a.name] }));
  const extra = Object.keys(props)
    .filter((k) => !schema.some((a) => a.name === k))
    .sort()
    .map((k) => ({ field: k, label: k, value: props[k] }));
  return [...known, ...extra];
}

/** A name for a feature: the registry's label field, else the first *MC (名称) attribute, else its id. */
export function labelOf(layer: LayerRow, fid: string, props: Record<string, unknown>): string {
  const preferred = STYLES.layers[layer.code]?.categories?.labelField;
  const names = [
    preferred,
    ...layer.attr_schema.map((a) => a.name).filter((n) => /MC$/.test(n)),
    ...Object.keys(props).filter((n) => /MC$/.test(n)),
  ];
  for (const n of names) if (n && props[n] != null && props[n] !== '') return String(props[n]);
  return fid;
}

export function checkPoint(config: Config, lon: number, lat: number): void {
  const [x0, y0, x1, y1] = config.cityExtent;
  const m = config.extentMargin;
  if (!(lon >= x0 - m && lon <= x1 + m && lat >= y0 - m && lat <= y1 + m)) {
    throw new Invalid(
      `点位不在本市范围内 (the point lon=${lon}, lat=${lat} is outside the city extent ${x0}–${x1}°E, ${y0}–${y1}°N): give CGCS2000 longitude and latitude in degrees`,
      { code: 'outside_extent' },
    );
  }
}

/**
 * 点选查询: the features of every layer the caller may read (or of `codes`) at a point, each with
 * its attributes, areas and the layer's legal basis. Polygons: exactly those containing the
 * point; lines and points: within `toleranceM` metres.
 */
export async function identify(
  db: Queryable,
  config: Config,
  user: User,
  o: { lon: number; lat: number; toleranceM?: number; codes?: string[] },
): Promise<IdentifyAnswer> {
  checkPoint(config, o.lon, o.lat);
  const toleranceM = o.toleranceM ?? 0;
  if (!(toleranceM >= 0 && toleranceM <= MAX_TOLERANCE_M))
    throw new Invalid(`tolerance must be between 0 and ${MAX_TOLERANCE_M} m, got ${toleranceM}`);
  let scopes = await readableLayers(db, user);
  if (o.codes?.length) {
    const wanted = new Set(o.codes.map((c) => c.toUpperCase()));
    const known = new Set(scopes.map((s) => s.layer.code.toUpperCase()));
    // A code the caller may not read answers like an unknown one (auth/layers.ts).
    for (const c of wanted) if (!known.has(c)) throw new UnknownLayerError(o.codes.find((x) => x.toUpperCase() === c)!);
    scopes = scopes.filter((s) => wanted.has(s.layer.code.toUpperCase()));
  }
  scopes = scopes.filter((s) => s.layer.active_version !== null);
  const districts = scopes.find((s) => s.districts)?.districts ?? null;
  const wanted = scopes.map((s) => ({ layerId: s.layer.id, version: s.layer.active_version!, scoped: s.districts !== null }));
  // On the replica once it has every one of these versions (db/replica.ts); a district-scoped
  // read stays on the primary (its filter reads the district layer's current version).
  const reader = districts ? db : await readerFor(db, wanted);
  const rows = await repo.featuresAtPoint(reader, wanted, o.lon, o.lat, toleranceM, districts, PER_LAYER, config.districts);
  const layers: IdentifiedLayer[] = [];
  for (const s of scopes) {
    const hits = rows.filter((r) => r.layer_id === s.layer.id);
    if (!hits.length) continue;
    layers.push({
      code: s.layer.code,
      name: s.layer.name_zh,
      class: s.layer.class,
      geometryType: s.layer.geometry_type,
      version: s.layer.active_version!,
      legalBasis: s.layer.legal_basis,
      ownerDept: s.layer.owner_dept,
      features: hits.map((r) => ({
        fid: r.fid,
        label: labelOf(s.layer, r.fid, r.props),
        attributes: attributesOf(s.layer.attr_schema ?? [], r.props),
        areaM2: r.area_m2,
        planarAreaM2: r.planar_m2,
        areaMu: r.area_m2 == null ? null : m2ToMu(r.area_m2),
        lengthM: r.length_m,
        distanceM: r.distance_m,
        bbox: r.bbox,
      })),
    });
  }
  return { point: [o.lon, o.lat], toleranceM, layers, featureCount: rows.length };
}

// ---------------------------------------------------------------- compare versions

/** What changed between two versions, with a GeoJSON FeatureCollection of the changed features. */
export type ChangesAnswer = Static<typeof ChangesSchema>;
type ChangeFeature = ChangesAnswer['features']['features'][number];

const MAX_CHANGES = 5000;

function changedKeys(a: Record<string, unknown> | null, b: Record<string, unknown> | null): string[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].filter((k) => JSON.stringify(a?.[k]) !== JSON.stringify(b?.[k])).sort();
}

/** A layer readable by this caller, and a version of it that exists. */
export async function layerVersion(
  db: Queryable,
  user: User,
  code: string,
  version?: number,
): Promise<{ scope: LayerScope; version: number }> {
  const scope = await readableLayer(db, user, code);
  const v = await resolveVersion(db, scope.layer.code, version === undefined ? undefined : { version });
  return { scope, version: v.version };
}

/**
 * 对比分析 for the compare view: what changed from version `from` to `to`, each difference with
 * the geometry to highlight (version `to`'s; `from`'s for a removed feature). District officers
 * get the differences inside their districts (the city-wide /api/layers/:code/diff is refused to
 * them).
 */
export async function versionChanges(
  db: Queryable,
  d: DistrictLayer,
  user: User,
  code: string,
  from: number,
  to: number,
): Promise<ChangesAnswer> {
  const a = await layerVersion(db, user, code, from);
  await layerVersion(db, user, code, to);
  if (from === to) throw new Invalid(`compare two different versions of ${a.scope.layer.code}: from and to are both ${from}`);
  const rows = await repo.changes(db, a.scope, from, to, MAX_CHANGES, d);
  const summary = { added: 0, removed: 0, changed: 0, areaChangeM2: 0, areaChangeMu: 0 };
  const features: ChangeFeature[] = rows.map((r) => {
    const change = (r.area_after ?? 0) - (r.area_before ?? 0);
    summary[r.status]++;
    summary.areaChangeM2 += change;
    return {
      type: 'Feature',
      geometry: JSON.parse(r.geom) as GeoJSON.Geometry,
      properties: {
        status: r.status,
        fid: r.fid,
        label: labelOf(a.scope.layer, r.fid, r.props_after ?? r.props_before ?? {}),
        areaBeforeM2: r.area_before,
        areaAfterM2: r.area_after,
        areaChangeM2: change,
        geometryChanged: r.status === 'changed' ? r.geometry_changed : null,
        attributesChanged: r.status === 'changed' ? changedKeys(r.props_before, r.props_after) : [],
        bbox: r.bbox,
      },
    };
  });
  summary.areaChangeMu = m2ToMu(summary.areaChangeM2);
  const total = rows[0]?.total ?? 0;
  return {
    layer: a.scope.layer.code,
    from,
    to,
    summary,
    total,
    truncated: total > rows.length,
    features: { type: 'FeatureCollection', features },
  };
}

// ---------------------------------------------------------------- labels

export interface LabelPoint {
  fid: string;
  label: string;
  lon: number;
  lat: number;
}

/** Name points of a layer's features (district names on the map), at most `limit`, largest first. */
export async function labelPoints(
  db: Queryable,
  d: DistrictLayer,
  user: User,
  code: string,
  limit: number,
): Promise<{ layer: string; labels: LabelPoint[] }> {
  const { scope, version } = await layerVersion(db, user, code);
  const rows = await repo.labelPoints(db, scope, version, limit, d);
  return {
    layer: scope.layer.code,
    labels: rows.map((r) => ({ fid: r.fid, label: labelOf(scope.layer, r.fid, r.props), lon: r.lon, lat: r.lat })),
  };
}
