// Query parameters of /ogcapi/collections/{id}/items (OGC API – Features Part 1 §7.15, Part 2 §6,
// Part 3 §8). Everything a caller sends is checked here, before any SQL is built: numbers must be
// numbers, CRSs must be on the list, names must be known. What reaches the repository is typed
// values that are bound as parameters, never text spliced into SQL.
import { DomainError } from '../errors.ts';
import { CRS84, crsByUri, defaultCrs, SUPPORTED_CRS, bboxToXY, type OgcCrs } from './crs.ts';
import { parseCql2, type CqlNode } from './cql2.ts';

/** A refused request (400) or a feature not there (404), whose message names the parameter or feature at fault. */
export class OgcRequestError extends DomainError {
  constructor(status: 400 | 404, message: string) {
    super(status === 404 ? 'not_found' : 'invalid', message);
  }
}

export const bad = (message: string) => new OgcRequestError(400, message);

/** Part 1 /req/core/fc-limit-definition: default 10, maximum 10000; larger values are clamped, not refused. */
export const LIMIT_DEFAULT = 10;
export const LIMIT_MAX = 10_000;
/** OFFSET is bigint in SQL; far beyond any layer, and below 2^53 so JSON numbers stay exact. */
export const OFFSET_MAX = 1_000_000_000;

export const ITEMS_PARAMS = ['f', 'limit', 'offset', 'bbox', 'bbox-crs', 'datetime', 'crs', 'filter', 'filter-lang', 'filter-crs'] as const;
export const ITEM_PARAMS = ['f', 'crs'] as const;

export type Format = 'json' | 'html';

export interface BboxFilter {
  /** Corners x/y (easting/longitude first) in `crs.srid`. */
  xy: [number, number, number, number];
  crs: OgcCrs;
}

export type Datetime = { kind: 'current' } | { kind: 'asOf'; at: Date };

export interface ItemsQuery {
  limit: number;
  offset: number;
  bbox: BboxFilter | null;
  datetime: Datetime;
  crs: OgcCrs;
  /** Equality filters on properties (`?DLBM=0101`). */
  properties: { name: string; value: string }[];
  filter: CqlNode | null;
}

type Raw = Record<string, unknown>;

/** The value of a single-valued text parameter; repeated parameters and NUL characters are refused. */
export function text(q: Raw, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw bad(`parameter "${name}" is given more than once`);
  const s = String(v);
  // PostgreSQL text cannot hold NUL: refuse it here rather than fail inside the database.
  if (s.includes('\u0000')) throw bad(`parameter "${name}" contains a NUL character`);
  return s;
}

export function parseCrs(q: Raw, name: 'crs' | 'bbox-crs' | 'filter-crs'): OgcCrs {
  const v = text(q, name);
  if (v === undefined) return defaultCrs();
  const c = crsByUri(v.trim());
  if (!c) throw bad(`parameter "${name}": unsupported CRS "${v}"; supported: ${SUPPORTED_CRS.join(', ')}`);
  return c;
}

export function parseFormat(q: Raw): Format | undefined {
  const v = text(q, 'f');
  if (v === undefined) return undefined;
  if (v === 'json' || v === 'geojson') return 'json';
  if (v === 'html') return 'html';
  throw bad(`parameter "f" must be json or html, got "${v}"`);
}

/** Refuses parameters that are neither standard nor a queryable property (Part 1 /req/core/query-param-unknown). */
export function checkKnown(q: Raw, standard: readonly string[], properties: ReadonlySet<string>): void {
  for (const k of Object.keys(q)) {
    if (standard.includes(k) || properties.has(k)) continue;
    const props = [...properties].sort();
    throw bad(`unknown query parameter "${k}"; allowed: ${[...standard, ...props].join(', ')}`);
  }
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$/;

export function parseNumber(s: string, what: string): number {
  const t = s.trim();
  const n = Number(t);
  if (!NUMBER.test(t) || !Number.isFinite(n)) throw bad(`${what}: "${s}" is not a number`);
  return n;
}

function parseInteger(q: Raw, name: string, dflt: number, min: number): number {
  const v = q[name];
  if (v === undefined) return dflt;
  // The route schema already coerced it; this guards direct callers.
  const n = typeof v === 'number' ? v : Number(text(q, name));
  if (!Number.isInteger(n) || n < min) throw bad(`parameter "${name}" must be an integer >= ${min}, got "${String(v)}"`);
  return n;
}

export function parseBbox(q: Raw): BboxFilter | null {
  const v = text(q, 'bbox');
  const crs = parseCrs(q, 'bbox-crs');
  if (v === undefined) {
    if (q['bbox-crs'] !== undefined) throw bad('parameter "bbox-crs" is given without "bbox"');
    return null;
  }
  const parts = v.split(',');
  if (parts.length === 6) throw bad('parameter "bbox": 3D boxes (6 numbers) are not supported; give 4 numbers');
  if (parts.length !== 4)
    throw bad(
      `parameter "bbox" must be 4 comma-separated numbers (lower corner, upper corner, in the axis order of ${crs.uri}), got "${v}"`,
    );
  const b = parts.map((p) => parseNumber(p, 'parameter "bbox"')) as [number, number, number, number];
  for (const axis of [0, 1]) {
    const [lo, hi] = crs.range[axis];
    if (b[axis] < lo || b[axis + 2] > hi)
      throw bad(`parameter "bbox": axis ${axis + 1} must lie within ${lo}..${hi} in ${crs.uri}, got "${v}"`);
    if (b[axis] > b[axis + 2]) {
      const antimeridian = crs.uri === CRS84 && axis === 0;
      throw bad(
        `parameter "bbox": lower bound ${b[axis]} exceeds upper bound ${b[axis + 2]} on axis ${axis + 1}${antimeridian ? ' (boxes across the antimeridian are not supported)' : ''}`,
      );
    }
  }
  return { xy: bboxToXY(crs, b), crs };
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2}))?$/;

/**
 * An RFC 3339 instant. A bare date means the whole day (UTC), and an "as of" a day is the state
 * at its end: `datetime=2024-06-30` shows what was in force when that day closed.
 */
export function parseInstant(s: string, what: string): Date {
  const m = INSTANT.exec(s);
  if (!m) throw bad(`${what}: "${s}" is not an RFC 3339 date or date-time (e.g. 2024-06-30 or 2024-06-30T12:00:00Z)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  // Date.UTC rolls 2024-02-30 over into March; a real calendar date survives the round trip.
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d)
    throw bad(`${what}: "${s}" is not a calendar date`);
  if (m[4] === undefined) return new Date(day.getTime() + 86_400_000 - 1);
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) throw bad(`${what}: "${s}" is not a valid time of day`);
  const at = new Date(s.replace(' ', 'T'));
  if (Number.isNaN(at.getTime())) throw bad(`${what}: "${s}" is not a valid date-time`);
  return at;
}

/**
 * `datetime` selects the layer version in force (as of). An instant is that moment; an interval
 * a/b asks for the features of the period, and the state at its end is the one shown (the layer's
 * versions replace one another, so the end state is what the period led to); `a/..` is today.
 */
export function parseDatetime(q: Raw): Datetime {
  const v = text(q, 'datetime');
  if (v === undefined) return { kind: 'current' };
  const what = 'parameter "datetime"';
  const parts = v.split('/');
  if (parts.length === 1) return { kind: 'asOf', at: parseInstant(v, what) };
  if (parts.length !== 2) throw bad(`${what} must be an instant or an interval "start/end" ("..": open), got "${v}"`);
  const open = (p: string) => p === '' || p === '..';
  const start = open(parts[0]) ? null : parseInstant(parts[0], what);
  const end = open(parts[1]) ? null : parseInstant(parts[1], what);
  if (start && end && start.getTime() > end.getTime()) throw bad(`${what}: the interval starts after it ends ("${v}")`);
  return end ? { kind: 'asOf', at: end } : { kind: 'current' };
}

function parseFilter(q: Raw, properties: ReadonlySet<string>): CqlNode | null {
  const lang = text(q, 'filter-lang');
  const v = text(q, 'filter');
  if (lang !== undefined && lang !== 'cql2-text') throw bad(`parameter "filter-lang": only cql2-text is supported, got "${lang}"`);
  if (v === undefined) {
    if (q['filter-crs'] !== undefined) throw bad('parameter "filter-crs" is given without "filter"');
    return null;
  }
  return parseCql2(v, { properties, crs: parseCrs(q, 'filter-crs') });
}

/** All parameters of an items request, checked against the layer's queryable properties. */
export function parseItemsQuery(q: Raw, properties: ReadonlySet<string>): ItemsQuery {
  checkKnown(q, ITEMS_PARAMS, properties);
  parseFormat(q);
  const limit = Math.min(parseInteger(q, 'limit', LIMIT_DEFAULT, 1), LIMIT_MAX);
  const offset = parseInteger(q, 'offset', 0, 0);
  if (offset > OFFSET_MAX) throw bad(`parameter "offset" must be at most ${OFFSET_MAX}`);
  const props: { name: string; value: string }[] = [];
  for (const name of Object.keys(q)) {
    if ((ITEMS_PARAMS as readonly string[]).includes(name)) continue;
    props.push({ name, value: text(q, name)! });
  }
  return {
    limit,
    offset,
    bbox: parseBbox(q),
    datetime: parseDatetime(q),
    crs: parseCrs(q, 'crs'),
    properties: props,
    filter: parseFilter(q, properties),
  };
}
