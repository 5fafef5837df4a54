// OpenAPI descriptions of the tile routes. Path parameters are plain strings on purpose: the
// handlers check them (tile-math.ts parseTile) and say what is wrong in their own words.
import { errorSchema } from '../server/errors.ts';

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const errors = { 400: errorSchema, 404: errorSchema } as const;

export const listSchema = {
  tags: ['tiles'],
  summary: '矢量瓦片图层 (layers with vector tiles this caller may read, and their TileJSON)',
  response: {
    200: {
      type: 'object',
      properties: {
        layers: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              code: str,
              name: str,
              public: { type: 'boolean' },
              version: { type: ['integer', 'null'] },
              tilejson: { type: 'string', format: 'uri' },
            },
          },
        },
      },
    },
  },
} as const;

export const tileJsonSchema = {
  tags: ['tiles'],
  summary: '图层瓦片说明 TileJSON 3.0.0 (tile URL, zooms, bounds and attribute names of a layer)',
  params: { type: 'object', required: ['file'], properties: { file: { type: 'string', description: '{layer}.json, e.g. GHYD.json' } } },
  response: {
    200: {
      type: 'object',
      properties: {
        tilejson: str,
        name: str,
        description: str,
        version: str,
        attribution: str,
        scheme: str,
        tiles: { type: 'array', items: str },
        minzoom: { type: 'integer' },
        maxzoom: { type: 'integer' },
        bounds: { type: 'array', items: num },
        center: { type: 'array', items: num },
        vector_layers: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: str,
              description: str,
              minzoom: { type: 'integer' },
              maxzoom: { type: 'integer' },
              fields: { type: 'object', additionalProperties: str },
            },
          },
        },
      },
    },
    ...errors,
  },
} as const;

export const tileSchema = {
  tags: ['tiles'],
  summary: '矢量瓦片 (Mapbox Vector Tile of a layer, EPSG:3857 z/x/y; .mvt or .pbf)',
  description:
    'gzip-coded when Accept-Encoding allows. 204 No Content: no feature in this tile. ETag + If-None-Match → 304. ' +
    'Cache-Control public for public layers, private for restricted ones.',
  params: {
    type: 'object',
    required: ['layer', 'z', 'x', 'tile'],
    properties: {
      layer: { type: 'string', description: 'layer code, e.g. GHYD' },
      z: { type: 'string', description: 'zoom 0–22' },
      x: { type: 'string', description: 'column 0 … 2^z − 1' },
      tile: { type: 'string', description: '{y}.mvt or {y}.pbf, y = row 0 … 2^z − 1' },
    },
  },
  querystring: {
    type: 'object',
    properties: {
      version: {
        type: 'integer',
        minimum: 1,
        description: 'a version of the layer other than the active one (compare two versions); default the active version',
      },
    },
  },
  response: {
    200: { description: 'the tile', content: { 'application/vnd.mapbox-vector-tile': { schema: { type: 'string', format: 'binary' } } } },
    204: { description: '空瓦片 (no feature in this tile)', type: 'null' },
    304: { description: '未修改 (the tile the client holds is current)', type: 'null' },
    ...errors,
  },
} as const;
