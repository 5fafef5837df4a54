// Shared building blocks of the API contract (decision 0007). Each module's `<module>.schemas.ts`
// builds its request and response schemas from these with TypeBox; the schemas are at once the
// validation (Ajv), the serialisation (fast-json-stringify), the handler types (the TypeBox type
// provider), the OpenAPI document and — through it — the web client's types. Nothing here knows
// about a module.
import { Type, type Static, type TSchema, type TEnum } from 'typebox';

export { Type, type Static, type TSchema };

export const Str = (o: { description?: string; minLength?: number; maxLength?: number; pattern?: string } = {}) => Type.String(o);
export const Int = (o: { description?: string; minimum?: number; maximum?: number } = {}) => Type.Integer(o);
export const Num = (o: { description?: string; minimum?: number; maximum?: number } = {}) => Type.Number(o);
export const Bool = (o: { description?: string } = {}) => Type.Boolean(o);

/**
 * A value or null. Written as a JSON-schema type list (`type: ['string', 'null']`), which Ajv,
 * fast-json-stringify and @fastify/swagger (→ OpenAPI `nullable`) all read, rather than TypeBox's
 * `anyOf`, which the serialiser evaluates branch by branch.
 */
export function Nullable<T extends TSchema>(t: T): ReturnType<typeof Type.Union<[T, ReturnType<typeof Type.Null>]>> {
  const s = t as unknown as { type?: string | string[] };
  if (typeof s.type === 'string') return { ...t, type: [s.type, 'null'] } as never;
  return Type.Union([t, Type.Null()]);
}

/** Optional and nullable: a property that may be missing or null. */
export const Maybe = <T extends TSchema>(t: T) => Type.Optional(Nullable(t));

/** One of the given strings (`{ enum: [...] }`). */
export const Enum = <const T extends readonly string[]>(values: T, o: { description?: string } = {}): TEnum<[...T]> =>
  Type.Enum([...values] as [...T], o) as TEnum<[...T]>;

/** A closed object: every property named, nothing else accepted or sent. */
export const Obj = <P extends Record<string, TSchema>>(properties: P, o: { description?: string } = {}) =>
  Type.Object(properties, { additionalProperties: false, ...o });

/**
 * An object whose properties are free (attributes of a feature as imported, a rule's params):
 * the contract says "string keys, any JSON value", which is all that can be said of them.
 */
export const Dict = <T extends TSchema = ReturnType<typeof Type.Unknown>>(values?: T, o: { description?: string } = {}) =>
  Type.Record(Type.String(), (values ?? Type.Unknown()) as T, o);

export const List = <T extends TSchema>(items: T, o: { description?: string; maxItems?: number } = {}) => Type.Array(items, o);

/** ISO 8601 date-time as the API sends it (timestamps come out of PostgreSQL as strings). */
export const DateTime = (o: { description?: string } = {}) => Type.String({ format: 'date-time', ...o });
/** A calendar date, YYYY-MM-DD (China Standard Time). */
export const DateOnly = (o: { description?: string } = {}) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', ...o });

/** An area in both units users read: m² (ellipsoidal unless said otherwise) and 亩 (1 亩 = 10000/15 m²). */
export const Area = Obj({ m2: Num(), mu: Num() });
/** The same pair as the flat properties `areaM2` and `areaMu` of a row (spread into its object). */
export const AreaFields = { areaM2: Num(), areaMu: Num() };
/** As AreaFields, null where there is nothing to measure (no geometry yet). */
export const NullableAreaFields = { areaM2: Nullable(Num()), areaMu: Nullable(Num()) };

/** [minLon, minLat, maxLon, maxLat] in CGCS2000 degrees. */
export const Bbox = Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: 'minLon, minLat, maxLon, maxLat (CGCS2000)' });

/** A GeoJSON geometry (RFC 7946). Its coordinates are checked by PostGIS, not by the schema. */
export const Geometry = Type.Object(
  { type: Str(), coordinates: Type.Optional(Type.Unknown()), geometries: Type.Optional(Type.Array(Type.Unknown())) },
  { description: 'GeoJSON geometry (RFC 7946), CGCS2000 lon/lat' },
);
/**
 * A geometry as PostGIS writes it (ST_AsGeoJSON(geom, n)): GeoJSON in EPSG:4490 lon/lat, with the
 * short `crs` member PostGIS adds for a CRS other than WGS 84. Closed: what the server answers.
 */
export const StoredGeometry = Obj(
  {
    type: Str(),
    coordinates: Type.Optional(Type.Unknown()),
    geometries: Type.Optional(Type.Array(Type.Unknown())),
    crs: Type.Optional(Obj({ type: Str(), properties: Obj({ name: Str({ description: 'EPSG:4490' }) }) })),
  },
  { description: 'GeoJSON geometry (RFC 7946) as stored, CGCS2000 lon/lat (EPSG:4490)' },
);
export const Feature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  geometry: Nullable(Geometry),
  properties: Nullable(Dict()),
});
export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Feature),
});

// Parameters used across modules.
export const LayerCode = Str({ minLength: 1, maxLength: 64, description: 'layer code, e.g. GHYD' });
export const CodeParams = Obj({ code: LayerCode });
export const IdParams = Obj({ id: Int({ minimum: 1 }) });
export const Year = Int({ minimum: 1990, maximum: 2100 });
/** GB/T 2260 administrative division code. */
export const RegionCode = Str({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 code, e.g. 330106' });

/** The one error shape every answer ≥ 400 has (server/errors.ts). */
export const ErrorBody = Type.Object(
  {
    statusCode: Int(),
    code: Str({ description: 'stable machine-readable name, e.g. not_found, import_rejected' }),
    error: Str({ description: 'what went wrong, Chinese first' }),
    problems: Type.Optional(Type.Array(Type.Unknown())),
    requestId: Type.Optional(Str()),
  },
  { additionalProperties: false },
);
export type ErrorBody = Static<typeof ErrorBody>;

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503 | 504;
/** Response entries for the error statuses a route can answer. */
export function errors<const C extends readonly ErrorStatus[]>(...codes: C): { [K in C[number]]: typeof ErrorBody } {
  return Object.fromEntries(codes.map((c) => [c, ErrorBody])) as never;
}
export const READ_ERRORS = errors(400, 401, 403, 404, 429);
export const WRITE_ERRORS = errors(400, 401, 403, 404, 409, 429);
export const UPLOAD_ERRORS = errors(400, 401, 403, 404, 409, 413, 415, 429);

/**
 * A route's schema that answers 200 with `ok` or one of the read errors; `request` is the rest of
 * it (tags, summary, params, querystring, body), written as `{ ...request, response }` would be.
 */
export const reads = <R extends object, T extends TSchema>(request: R, ok: T) => ({ ...request, response: { 200: ok, ...READ_ERRORS } });
/** As `reads`, with the write errors (409 as well). */
export const writes = <R extends object, T extends TSchema>(request: R, ok: T) => ({ ...request, response: { 200: ok, ...WRITE_ERRORS } });
/** A route that creates: answers 201 with what it made, or one of the write errors. */
export const creates = <R extends object, T extends TSchema>(request: R, made: T) => ({
  ...request,
  response: { 201: made, ...WRITE_ERRORS },
});
/** As `reads`, with the upload errors (409, 413, 415 as well). */
export const uploads = <R extends object, T extends TSchema>(request: R, ok: T) => ({
  ...request,
  response: { 200: ok, ...UPLOAD_ERRORS },
});
