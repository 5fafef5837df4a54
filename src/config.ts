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
}

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
}

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
    districts: {
      layer: identifier(env.ONEMAP_DISTRICT_LAYER, DEFAULT_DISTRICT_LAYER.layer, 'ONEMAP_DISTRICT_LAYER'),
      codeField: identifier(env.ONEMAP_DISTRICT_CODE_FIELD, DEFAULT_DISTRICT_LAYER.codeField, 'ONEMAP_DISTRICT_CODE_FIELD'),
      nameField: identifier(env.ONEMAP_DISTRICT_NAME_FIELD, DEFAULT_DISTRICT_LAYER.nameField, 'ONEMAP_DISTRICT_NAME_FIELD'),
    },
  };
}

function identifier(v: string | undefined, d: string, name: string): string {
  if (v === undefined || v === '') return d;
  if (!/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(v)) throw new Error(`${name} must be a layer or field code (letters, digits, _), got "${v}"`);
  return v;
}
