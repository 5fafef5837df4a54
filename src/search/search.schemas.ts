// Request and response schemas of place search (/api/search).
import { Type, Obj, Str, List, Bbox, errors, type Static } from '../schema.ts';

export const Hit = Obj({
  layer: Str(),
  layerName: Str(),
  fid: Str(),
  label: Str({ description: 'the naming attribute found (name, code), or the feature id' }),
  bbox: Bbox,
  center: Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: 'lon, lat (CGCS2000): the middle of bbox' }),
});
export type Hit = Static<typeof Hit>;

export const search = {
  tags: ['search'],
  summary: '搜索地名、单元、宗地、设施 (search places, units, parcels, facilities)',
  querystring: Obj({
    q: Str({ minLength: 1, maxLength: 100 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  }),
  response: { 200: Obj({ query: Str(), hits: List(Hit) }), ...errors(400, 429) },
};
