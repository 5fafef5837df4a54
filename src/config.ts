// Runtime configuration from the environment, with the defaults a Hangzhou bureau expects.
import { dbConfigFromEnv, type DbConfig } from './db/index.ts';
import { clockFromEnv, type Clock } from './util/clock.ts';

export interface Config {
  db: DbConfig;
  /** City extent in EPSG:4490 [minLon, minLat, maxLon, maxLat]; imports outside it are refused. */
  cityExtent: [number, number, number, number];
  /** Degrees added around the city extent before a feature counts as outside (~25 km). */
  extentMargin: number;
  port: number;
  host: string;
  limits: Limits;
  /** "Today" for deadlines and legal thresholds; ONEMAP_CLOCK=YYYY-MM-DD pins it (util/clock.ts). */
  clock: Clock;
  /** The administrative-division layer district scopes, statistics and boundaries come from. */
  districts: DistrictLayer;
  /**
   * How far a coordinate TXT's declared 地块面积 may differ from the area computed from its points
   * before the import warns, in percent (ONEMAP_DECLARED_AREA_TOLERANCE; default 1 %, issue 18
   * item 5). The declared figure is the surveyor's planar area in the file's own zone, so it is
   * compared with the planar area in that zone, not the ellipsoidal one.
   */
  declaredAreaTolerancePercent: number;
  /** Who issues the documents (审查意见书 header and seal); DEFAULT_BUREAU when absent. */
  bureau?: Bureau;
}

/** The issuing bureau of official documents: its name (header) and the text of its seal. */
export interface Bureau {
  name: string;
  seal: string;
}

/** ONEMAP_BUREAU_NAME / ONEMAP_BUREAU_SEAL override these. */
export const DEFAULT_BUREAU: Bureau = Object.freeze({ name: '杭州市规划和自然资源局', seal: '杭州市规划和自然资源局建设项目审查专用章' });

/**
 * Where the districts are: a layer of the catalogue and its code and name fields (GB/T 2260
 * codes: 行政区划代码 XZQDM, 名称 XZQMC in the national planning database convention). Values are
 * checked as identifiers because SQL fragments name them (store/fragments.repository.ts).
 */
export interface DistrictLayer {
  layer: string;
  codeField: string;
  nameField: string;
}

/** The national planning database convention: 行政区 layer XZQ, 行政区代码 XZQDM, 行政区名称 XZQMC. */
export const DEFAULT_DISTRICT_LAYER: DistrictLayer = Object.freeze({ layer: 'XZQ', codeField: 'XZQDM', nameField: 'XZQMC' });

export interface Limits {
  /** Largest file upload (imports, review boundaries), bytes. */
  uploadBytes: number;
  /** Largest JSON body (a boundary as GeoJSON text), bytes. */
  jsonBytes: number;
  /** Time a request may take before its database work is cancelled (imports get uploadTimeoutMs). */
  requestTimeoutMs: number;
  uploadTimeoutMs: number;
  /** Requests per minute per address for anonymous callers; 0 = no limit (benchmarks). */
  anonymousPerMinute: number;
  /** Mark the session cookie Secure (set when served over HTTPS behind a proxy). */
  secureCookies: boolean;
  /** Sizes of the content of one request: vertices, parcels, attributes, ids (INPUT_BOUNDS). */
  bounds: InputBounds;
}

/**
 * How much one request may carry, counted in the units the work grows with (issue 22 item 2: a
 * 10,000-vertex polygon sent to the measure endpoint held the embedded server for 17 s, a 20 MB
 * attribute and a 10 KB id were accepted). Byte caps (uploadBytes, jsonBytes) do not bound these:
 * 50 MB of JSON is 2 million vertices. Over a count → 413; a value too long → 400; each message
 * names the bound and the value received (util/bounds.ts, which every endpoint's check uses).
 */
export interface InputBounds {
  /** Vertices of one geometry sent or imported (a boundary, a parcel, a coverage outline). */
  geometryVertices: number;
  /** Vertices of all geometries of one request or review (a review's parcels together). */
  requestVertices: number;
  /** Vertices of a geometry drawn on the map (measure, draw): each one is a click. */
  drawnVertices: number;
  /** Parcels of one review (runs and cases, JSON or file) and features of one JSON body. */
  reviewParcels: number;
  /** Proposed facilities of one what-if. */
  whatIfPoints: number;
  /** Attributes of one feature (imports, review parcels, JSON features). */
  attributesPerFeature: number;
  /** Characters of one attribute value (as text; a nested value as its JSON). */
  attributeChars: number;
  /** Characters of an id or code: path parameters, id-like query parameters, feature ids. */
  idChars: number;
}

export const INPUT_BOUNDS: Readonly<InputBounds> = Object.freeze({
  /**
   * A county-level plan boundary (县级国土空间总体规划 规划范围) traced at 1:2000 has at most a few
   * hundred thousand vertices; 500,000 leaves room above that.
   */
  geometryVertices: 500_000,
  /** A review of a whole 控制性详细规划 (a few thousand plots of a few hundred vertices each) fits. */
  requestVertices: 1_000_000,
  /**
   * A hand-drawn line or polygon has tens of vertices (one click each); a parcel picked from the map
   * a few hundred. Measuring is synchronous work for PostGIS: 10,000 vertices took 17 s (issue 22).
   */
  drawnVertices: 10_000,
  /** A submission has one to a few dozen parcels; a whole 控规 reviewed at once a few thousand plots. */
  reviewParcels: 10_000,
  /** A planner compares a handful of candidate sites; the walking search runs once per point. */
  whatIfPoints: 100,
  /**
   * dBASE allows 255 fields and the layers of the planning database have a few dozen; GeoPackage
   * or GeoJSON may carry more, but not thousands.
   */
  attributesPerFeature: 500,
  /** dBASE caps a field at 254 bytes; a 备注 or 批文 text of a few pages is under 10,000 characters. */
  attributeChars: 10_000,
  /**
   * Layer codes are at most 64 characters (schema LayerCode), 宗地代码 19 (GB/T 13923) and a 土地码
   * not much more, rule-set and user names short words: 128 is twice the longest.
   */
  idChars: 128,
});

const num = (v: string | undefined, d: number, name: string): number => {
  if (v === undefined || v === '') return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
  return n;
};

export function limitsFromEnv(env: NodeJS.ProcessEnv): Limits {
  return {
    uploadBytes: num(env.ONEMAP_UPLOAD_MB, 500, 'ONEMAP_UPLOAD_MB') * 1024 * 1024,
    jsonBytes: num(env.ONEMAP_JSON_MB, 50, 'ONEMAP_JSON_MB') * 1024 * 1024,
    requestTimeoutMs: num(env.ONEMAP_REQUEST_TIMEOUT_S, 60, 'ONEMAP_REQUEST_TIMEOUT_S') * 1000,
    uploadTimeoutMs: num(env.ONEMAP_UPLOAD_TIMEOUT_S, 1800, 'ONEMAP_UPLOAD_TIMEOUT_S') * 1000,
    anonymousPerMinute: num(env.ONEMAP_ANON_RATE, 1200, 'ONEMAP_ANON_RATE'),
    secureCookies: env.ONEMAP_SECURE_COOKIES === '1' || env.ONEMAP_SECURE_COOKIES === 'true',
    bounds: { ...INPUT_BOUNDS },
  };
}

// Hangzhou's extent, roughly 118.34–120.72°E, 29.18–30.57°N (domain.md §2).
export const HANGZHOU_EXTENT: [number, number, number, number] = [118.34, 29.18, 120.72, 30.57];

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  let extent = HANGZHOU_EXTENT;
  if (env.ONEMAP_EXTENT) {
    const v = env.ONEMAP_EXTENT.split(',').map(Number);
    if (v.length !== 4 || v.some((n) => !Number.isFinite(n)))
      throw new Error(`ONEMAP_EXTENT must be "minLon,minLat,maxLon,maxLat", got "${env.ONEMAP_EXTENT}"`);
    extent = v as [number, number, number, number];
  }
  return {
    db: dbConfigFromEnv(env),
    cityExtent: extent,
    extentMargin: 0.25,
    port: Number(env.PORT ?? 8080),
    host: env.HOST ?? '0.0.0.0',
    limits: limitsFromEnv(env),
    clock: clockFromEnv(env.ONEMAP_CLOCK),
    declaredAreaTolerancePercent: percent(env.ONEMAP_DECLARED_AREA_TOLERANCE, 1, 'ONEMAP_DECLARED_AREA_TOLERANCE'),
    bureau: {
      name: env.ONEMAP_BUREAU_NAME?.trim() || DEFAULT_BUREAU.name,
      seal: env.ONEMAP_BUREAU_SEAL?.trim() || env.ONEMAP_BUREAU_NAME?.trim() || DEFAULT_BUREAU.seal,
    },
    districts: {
      layer: identifier(env.ONEMAP_DISTRICT_LAYER, DEFAULT_DISTRICT_LAYER.layer, 'ONEMAP_DISTRICT_LAYER'),
      codeField: identifier(env.ONEMAP_DISTRICT_CODE_FIELD, DEFAULT_DISTRICT_LAYER.codeField, 'ONEMAP_DISTRICT_CODE_FIELD'),
      nameField: identifier(env.ONEMAP_DISTRICT_NAME_FIELD, DEFAULT_DISTRICT_LAYER.nameField, 'ONEMAP_DISTRICT_NAME_FIELD'),
    },
  };
}

function percent(v: string | undefined, d: number, name: string): number {
  if (v === undefined || v === '') return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new Error(`${name} must be a percentage between 0 and 100, got "${v}"`);
  return n;
}

function identifier(v: string | undefined, d: string, name: string): string {
  if (v === undefined || v === '') return d;
  if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(v)) throw new Error(`${name} must be a layer or field code (letters, digits, _), got "${v}"`);
  return v;
}
