// 规划一点通 "what applies here" (domain.md §11): for a point a citizen searched or clicked, the
// detailed-plan unit with its indicator limits, the planned land use, the control lines, the
// planned facilities and parks nearby (附近规划) and the consultations covering the point.
//
// Whoever calls, the portal reads as the anonymous public: only layers readableLayers(ANONYMOUS)
// returns are ever queried, so a restricted layer (DLTB, ZD, GBZNT, LSSCGNQ, CX, JCJK …) cannot
// reach a portal answer even when a signed-in officer opens the portal.
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { AttrField, LayerRow } from '../catalogue/catalogue.service.ts';
import { readableLayers } from '../auth/layers.ts';
import { ANONYMOUS } from '../auth/types.ts';
import { Invalid } from '../errors.ts';
import { m2ToMu } from '../area/units.ts';
import { attributesOf, checkPoint, type Attribute } from '../mapview/mapview.service.ts';
import { featuresAt, featuresNear, findByCode, listConsultations } from './portal.repository.ts';
import { type ConsultationSummary, toSummary } from './consultation.service.ts';

/** Layers the answer is built from (domain.md §3 default codes); the district layer is config.districts. */
export const UNIT_LAYER = 'XXGHDY';
export const LAND_USE_LAYER = 'GHYD';
export const FACILITY_LAYER = 'GGFWSS';
export const PARK_LAYER = 'GYLD';

/**
 * 15-minute life circle: ≈ 1000 m walk (domain.md §5, §8; GB 50180-2018 §3.0.4 puts the 15-minute
 * circle at 800–1000 m). Straight-line here: the portal answers "what is planned near me", the
 * network-distance coverage is the access module's business.
 */
export const DEFAULT_RADIUS_M = 1000;
export const MAX_RADIUS_M = 3000;

/**
 * The planning conditions a detailed-plan unit or a land-use parcel carries (城乡规划法 第三十八条:
 * 规划条件 include 开发强度 — FAR, density, height, green ratio). `kind` says whether the value is a
 * ceiling or a floor; the label comes from the layer's attribute schema when it has one.
 */
export const INDICATOR_FIELDS: { field: string; label: string; unit: string; kind: 'max' | 'min' }[] = [
  { field: 'RJLSX', label: '容积率上限', unit: '', kind: 'max' },
  { field: 'JZMDSX', label: '建筑密度上限', unit: '%', kind: 'max' },
  { field: 'LDLXX', label: '绿地率下限', unit: '%', kind: 'min' },
  { field: 'JZXG', label: '建筑限高', unit: 'm', kind: 'max' },
];

export interface Indicator {
  field: string;
  label: string;
  value: number;
  unit: string;
  kind: 'max' | 'min';
}

export interface PlaceFeature {
  layer: string;
  layerName: string;
  legalBasis: string | null;
  fid: string;
  /** A name for the feature: the first *MC attribute of the layer, else its code. */
  label: string;
  attributes: Attribute[];
  areaM2: number | null;
  areaMu: number | null;
}

export interface PlaceAnswer {
  point: [number, number];
  district: { code: string; name: string } | null;
  unit: (PlaceFeature & { indicators: Indicator[] }) | null;
  landUse: (PlaceFeature & { code: string | null; name: string | null; indicators: Indicator[]; indicatorSource: string | null }) | null;
  controls: PlaceFeature[];
  nearby: {
    radiusM: number;
    facilities: { fid: string; name: string; type: string | null; typeCode: string | null; distanceM: number; lon: number; lat: number }[];
    parks: {
      fid: string;
      name: string;
      type: string | null;
      distanceM: number;
      areaM2: number | null;
      areaMu: number | null;
      lon: number;
      lat: number;
    }[];
  };
  consultations: ConsultationSummary[];
  /** Layer versions the answer was read from (code → version). */
  versions: Record<string, number>;
}

const labelOf = (layer: LayerRow, fid: string, props: Record<string, unknown>): string => {
  const f = layer.attr_schema.find((a) => /MC$/.test(a.name) && props[a.name] != null && props[a.name] !== '');
  return f ? String(props[f.name]) : fid;
};

function indicators(schema: AttrField[], props: Record<string, unknown>): Indicator[] {
  const out: Indicator[] = [];
  for (const d of INDICATOR_FIELDS) {
    const v = props[d.field];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) continue;
    // Strip the unit a schema label may carry ("建筑密度上限(%)"): the unit is its own field.
    const label = (schema.find((a) => a.name === d.field)?.label ?? d.label).replace(/[（(][^）)]*[）)]$/, '');
    out.push({ field: d.field, label, value: n, unit: d.unit, kind: d.kind });
  }
  return out;
}

const mu = (m2: number | null) => (m2 == null ? null : m2ToMu(m2));

export async function placeAt(db: Db, config: Config, lon: number, lat: number, radiusM = DEFAULT_RADIUS_M): Promise<PlaceAnswer> {
  checkPoint(config, lon, lat);
  if (!(radiusM > 0 && radiusM <= MAX_RADIUS_M)) throw new Invalid(`radius must be between 1 and ${MAX_RADIUS_M} m, got ${radiusM}`);
  const layers = new Map(
    (await readableLayers(db, ANONYMOUS)).filter((s) => s.layer.active_version !== null).map((s) => [s.layer.code, s.layer]),
  );
  const versions: Record<string, number> = {};
  const at = async (layer: LayerRow) => {
    versions[layer.code] = layer.active_version!;
    return featuresAt(db, layer.id, layer.active_version!, lon, lat);
  };
  type Near = Awaited<ReturnType<typeof featuresNear>>[number];
  /** The nearest features of a public layer within radiusM (none when the layer is not public). */
  const near = async <T>(code: string, limit: number, out: (layer: LayerRow, r: Near) => T): Promise<T[]> => {
    const layer = layers.get(code);
    if (!layer) return [];
    versions[layer.code] = layer.active_version!;
    return (await featuresNear(db, layer.id, layer.active_version!, lon, lat, radiusM, limit)).map((r) => out(layer, r));
  };
  const feature = (layer: LayerRow, r: { fid: string; props: Record<string, unknown>; area_m2: number | null }): PlaceFeature => ({
    layer: layer.code,
    layerName: layer.name_zh,
    legalBasis: layer.legal_basis,
    fid: r.fid,
    label: labelOf(layer, r.fid, r.props),
    attributes: attributesOf(layer.attr_schema, r.props),
    areaM2: r.area_m2,
    areaMu: mu(r.area_m2),
  });

  let district: PlaceAnswer['district'] = null;
  // The district layer and its code and name fields come from the configuration (config.districts).
  const d = config.districts;
  const xzq = layers.get(d.layer);
  if (xzq) {
    const r = (await at(xzq))[0];
    if (r) district = { code: String(r.props[d.codeField] ?? r.fid), name: String(r.props[d.nameField] ?? r.fid) };
  }

  let unit: PlaceAnswer['unit'] = null;
  const dy = layers.get(UNIT_LAYER);
  if (dy) {
    const r = (await at(dy))[0];
    if (r) unit = { ...feature(dy, r), indicators: indicators(dy.attr_schema, r.props) };
  }

  let landUse: PlaceAnswer['landUse'] = null;
  const gh = layers.get(LAND_USE_LAYER);
  if (gh) {
    const r = (await at(gh))[0];
    if (r) {
      // A parcel's own planning conditions win; otherwise the unit's limits apply to it.
      const own = indicators(gh.attr_schema, r.props);
      landUse = {
        ...feature(gh, r),
        code: r.props.YDYHFLDM == null ? null : String(r.props.YDYHFLDM),
        name: r.props.YDYHFLMC == null ? null : String(r.props.YDYHFLMC),
        indicators: own.length ? own : (unit?.indicators ?? []),
        indicatorSource: own.length ? LAND_USE_LAYER : unit?.indicators.length ? UNIT_LAYER : null,
      };
    }
  }

  // Control lines (管控 class) of the public catalogue containing the point, in catalogue order.
  const controls: PlaceFeature[] = [];
  for (const layer of layers.values()) {
    if (layer.class !== '管控' || layer.geometry_type === 'Point' || layer.geometry_type === 'LineString') continue;
    for (const r of await at(layer)) controls.push(feature(layer, r));
  }

  const nearby: PlaceAnswer['nearby'] = {
    radiusM,
    facilities: await near(FACILITY_LAYER, 100, (fac, r) => ({
      fid: r.fid,
      name: labelOf(fac, r.fid, r.props),
      type: r.props.SSLX == null ? null : String(r.props.SSLX),
      typeCode: r.props.SSLXDM == null ? null : String(r.props.SSLXDM),
      distanceM: r.distance_m,
      lon: r.lon,
      lat: r.lat,
    })),
    parks: await near(PARK_LAYER, 50, (park, r) => ({
      fid: r.fid,
      name: labelOf(park, r.fid, r.props),
      type: r.props.GYLX == null ? null : String(r.props.GYLX),
      distanceM: r.distance_m,
      areaM2: r.area_m2,
      areaMu: mu(r.area_m2),
      lon: r.lon,
      lat: r.lat,
    })),
  };

  const today = config.clock.today();
  const consultations = (await listConsultations(db, { today, state: 'open', lon, lat, limit: 20 })).map((c) => toSummary(c, today));
  return { point: [lon, lat], district, unit, landUse, controls, nearby, consultations, versions };
}

export interface ParcelHit {
  layer: string;
  layerName: string;
  fid: string;
  label: string;
  bbox: [number, number, number, number];
  /** A point inside the parcel: where the portal asks /api/portal/at. */
  center: [number, number];
}

/**
 * 地块编码查询: planned land-use parcels (GHYD) by code, for the portal's search box. Place search
 * (/api/search) covers names, units and — for staff — cadastral parcels (ZD, restricted); the public
 * finds a planning parcel by the code printed on the published 图则 instead. Read as the anonymous
 * public, like every portal answer.
 */
export async function searchParcels(db: Db, text: string, limit = 10): Promise<ParcelHit[]> {
  const q = text.trim();
  if (!q) return [];
  const layer = (await readableLayers(db, ANONYMOUS)).find(
    (s) => s.layer.code === LAND_USE_LAYER && s.layer.active_version !== null,
  )?.layer;
  if (!layer) return [];
  return (await findByCode(db, layer.id, layer.active_version!, q, limit)).map((r) => {
    const name = r.props.YDYHFLMC == null ? null : String(r.props.YDYHFLMC);
    return {
      layer: layer.code,
      layerName: layer.name_zh,
      fid: r.fid,
      label: name ? `${r.fid} ${name}` : r.fid,
      bbox: r.bbox,
      center: [r.lon, r.lat],
    };
  });
}
