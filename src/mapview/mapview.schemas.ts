// Request and response schemas of the viewer routes (mapview.routes.ts), kept apart so the route
// table stays on one screen. Response schemas list every property the handlers return: Fastify's
// serialiser drops what a schema does not name (test/openapi.test.ts checks nothing is dropped).
import { errorSchema } from '../server/errors.ts';

const str = { type: 'string' } as const;
const strN = { type: ['string', 'null'] } as const;
const num = { type: 'number' } as const;
const numN = { type: ['number', 'null'] } as const;
const int = { type: 'integer' } as const;
const bbox = { type: 'array', items: num, description: 'minLon, minLat, maxLon, maxLat (CGCS2000)' } as const;
const anyValue = {} as const;
export const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 429: errorSchema } as const;
export const codeParam = {
  type: 'object',
  required: ['code'],
  properties: { code: { type: 'string', minLength: 1, maxLength: 64, description: 'layer code, e.g. GHYD' } },
} as const;

const attrField = { type: 'object', properties: { name: str, type: str, label: str } } as const;
const style = {
  type: 'object',
  properties: {
    color: str,
    opacity: num,
    fill: { type: 'boolean' },
    lineWidth: num,
    circleRadius: num,
    categories: {
      type: 'object',
      properties: {
        field: str,
        prefix: int,
        labelField: str,
        colors: { type: 'object', additionalProperties: str },
        labels: { type: 'object', additionalProperties: str },
      },
    },
  },
} as const;

export const catalogueResponse = {
  type: 'object',
  properties: {
    classOrder: { type: 'array', items: str },
    layers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          code: str,
          name: str,
          nameEn: strN,
          class: str,
          geometryType: str,
          public: { type: 'boolean' },
          scope: str,
          version: { type: ['integer', 'null'] },
          versions: int,
          featureCount: int,
          statutory: { type: 'boolean' },
          legalBasis: strN,
          source: strN,
          ownerDept: strN,
          dataDate: strN,
          attributes: { type: 'array', items: attrField },
          style,
          visible: { type: 'boolean' },
        },
      },
    },
  },
} as const;

export const identifyQuery = {
  type: 'object',
  required: ['lon', 'lat'],
  additionalProperties: false,
  properties: {
    lon: { type: 'number', description: 'longitude, CGCS2000 (EPSG:4490) degrees' },
    lat: { type: 'number', description: 'latitude, CGCS2000 (EPSG:4490) degrees' },
    tolerance: {
      type: 'number',
      minimum: 0,
      description: 'metres: lines and points this close count as hit (polygons: exactly under the point). Default 0',
    },
    layers: { type: 'string', maxLength: 2000, description: 'comma-separated layer codes (default: every layer the caller may read)' },
  },
} as const;

const attribute = { type: 'object', properties: { field: str, label: str, value: anyValue } } as const;
export const identifyResponse = {
  type: 'object',
  properties: {
    point: { type: 'array', items: num },
    toleranceM: num,
    featureCount: int,
    layers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          code: str,
          name: str,
          class: str,
          geometryType: str,
          version: int,
          legalBasis: strN,
          ownerDept: strN,
          features: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                fid: str,
                label: str,
                attributes: { type: 'array', items: attribute },
                areaM2: numN,
                planarAreaM2: numN,
                areaMu: numN,
                lengthM: numN,
                distanceM: num,
                bbox,
              },
            },
          },
        },
      },
    },
  },
} as const;

export const measureBody = {
  type: 'object',
  required: ['geometry'],
  additionalProperties: false,
  properties: {
    geometry: { type: 'object', description: 'GeoJSON geometry: Point, LineString, MultiLineString, Polygon or MultiPolygon' },
    srid: { type: 'integer', minimum: 1, description: 'EPSG code of the coordinates (default 4490: CGCS2000 longitude/latitude)' },
  },
} as const;

const pair = { type: ['object', 'null'], properties: { ellipsoidal: num, planar: num } } as const;
export const measureResponse = {
  type: 'object',
  properties: {
    type: str,
    vertices: int,
    planarSrid: int,
    lengthM: pair,
    areaM2: pair,
    areaMu: pair,
    point: { type: ['object', 'null'], properties: { lon: num, lat: num, x: num, y: num } },
  },
} as const;

export const fieldsResponse = {
  type: 'object',
  properties: {
    layer: str,
    version: int,
    fields: { type: 'array', items: { type: 'object', properties: { name: str, label: str, type: str, count: int } } },
  },
} as const;

export const classesQuery = {
  type: 'object',
  required: ['field'],
  additionalProperties: false,
  properties: {
    field: { type: 'string', minLength: 1, maxLength: 64, description: 'attribute name, e.g. YDYHFLDM or RJLSX' },
    method: {
      type: 'string',
      enum: ['categories', 'equal', 'quantile'],
      default: 'categories',
      description: 'categories (分类), equal intervals or quantiles (分级)',
    },
    classes: { type: 'integer', minimum: 2, maximum: 12, default: 5, description: 'number of classes for equal / quantile' },
    version: { type: 'integer', minimum: 1, description: 'layer version (default: the active one)' },
  },
} as const;

export const classesResponse = {
  type: 'object',
  properties: {
    layer: str,
    version: int,
    field: str,
    label: str,
    method: str,
    features: int,
    numeric: int,
    classes: {
      type: 'array',
      items: { type: 'object', properties: { value: strN, from: num, to: num, count: int, areaM2: numN, areaMu: numN } },
    },
    breaks: { type: ['array', 'null'], items: num },
    other: { type: ['object', 'null'], properties: { values: int, count: int, areaM2: numN } },
  },
} as const;

export const changesQuery = {
  type: 'object',
  required: ['from', 'to'],
  additionalProperties: false,
  properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } },
} as const;

export const changesResponse = {
  type: 'object',
  properties: {
    layer: str,
    from: int,
    to: int,
    total: int,
    truncated: { type: 'boolean' },
    summary: { type: 'object', properties: { added: int, removed: int, changed: int, areaChangeM2: num, areaChangeMu: num } },
    features: {
      type: 'object',
      description:
        'GeoJSON FeatureCollection (EPSG:4490): properties status (added | removed | changed), fid, label, areaBeforeM2, areaAfterM2, areaChangeM2, geometryChanged, attributesChanged, bbox',
      properties: {
        type: str,
        features: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              type: str,
              geometry: { type: 'object', additionalProperties: true },
              properties: {
                type: 'object',
                properties: {
                  status: str,
                  fid: str,
                  label: str,
                  areaBeforeM2: numN,
                  areaAfterM2: numN,
                  areaChangeM2: num,
                  geometryChanged: { type: ['boolean', 'null'] },
                  attributesChanged: { type: 'array', items: str },
                  bbox,
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

export const labelsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } },
} as const;

export const labelsResponse = {
  type: 'object',
  properties: {
    layer: str,
    labels: { type: 'array', items: { type: 'object', properties: { fid: str, label: str, lon: num, lat: num } } },
  },
} as const;
