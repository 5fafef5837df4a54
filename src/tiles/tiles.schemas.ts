// Request and response schemas of the vector tile routes (tiles.routes.ts). Path parameters are
// plain strings on purpose: the handlers check them (tile-math.ts parseTile) and say what is wrong
// in their own words.
import { Type, Obj, Str, Int, Num, Bool, Nullable, List, Dict, errors } from '../schema.ts';

const tags = ['tiles'];
const ERRORS = errors(400, 404, 429);

export const TileLayerItem = Obj({
  code: Str(),
  name: Str(),
  public: Bool(),
  version: Nullable(Int()),
  tilejson: Str({ description: 'absolute URL of the TileJSON' }),
});

export const VectorLayer = Obj({
  id: Str(),
  description: Str(),
  minzoom: Int(),
  maxzoom: Int(),
  fields: Dict(Str(), { description: 'attribute name → description and type' }),
});

export const TileJson = Obj({
  tilejson: Str(),
  name: Str(),
  description: Type.Optional(Str()),
  version: Str(),
  attribution: Type.Optional(Str()),
  scheme: Str(),
  tiles: List(Str()),
  minzoom: Int(),
  maxzoom: Int(),
  bounds: List(Num()),
  center: List(Num()),
  vector_layers: List(VectorLayer),
});

export const list = {
  tags,
  summary: '矢量瓦片图层 (layers with vector tiles this caller may read, and their TileJSON)',
  response: { 200: Obj({ layers: List(TileLayerItem) }), 429: errors(429)[429] },
};

export const tileJson = {
  tags,
  summary: '图层瓦片说明 TileJSON 3.0.0 (tile URL, zooms, bounds and attribute names of a layer)',
  params: Obj({ file: Str({ description: '{layer}.json, e.g. GHYD.json' }) }),
  response: { 200: TileJson, ...ERRORS },
};

export const tile = {
  tags,
  summary: '矢量瓦片 (Mapbox Vector Tile of a layer, EPSG:3857 z/x/y; .mvt or .pbf)',
  description:
    'gzip-coded when Accept-Encoding allows. 204 No Content: no feature in this tile. ETag + If-None-Match → 304. ' +
    'Cache-Control public for public layers, private for restricted ones.',
  params: Obj({
    layer: Str({ description: 'layer code, e.g. GHYD' }),
    z: Str({ description: 'zoom 0–22' }),
    x: Str({ description: 'column 0 … 2^z − 1' }),
    tile: Str({ description: '{y}.mvt or {y}.pbf, y = row 0 … 2^z − 1' }),
  }),
  querystring: Obj({
    version: Type.Optional(
      Int({
        minimum: 1,
        description: 'a version of the layer other than the active one (compare two versions); default the active version',
      }),
    ),
  }),
  response: {
    200: {
      description: 'the tile',
      content: { 'application/vnd.mapbox-vector-tile': { schema: { type: 'string', format: 'binary' } } },
    },
    204: { description: '空瓦片 (no feature in this tile)', type: 'null' },
    304: { description: '未修改 (the tile the client holds is current)', type: 'null' },
    ...ERRORS,
  },
};
