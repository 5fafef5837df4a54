// TileJSON 3.0.0 (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0) describing one
// layer's vector tiles, so MapLibre (`"source": { "type": "vector", "url": … }`) or QGIS finds the
// tile URL, zoom range, extent and attribute names by itself.
import type { TileLayer, VersionExtent } from './tiles.repository.ts';
import { attrNames } from './tiles.service.ts';

/**
 * Zooms announced to clients. Tiles are served up to MAX_ZOOM (tile-math.ts), but at z18 a tile
 * pixel is already ≈ 4 cm at 30°N, so clients over-zoom z18 tiles rather than fetch 16× as many.
 */
export const TILEJSON_MINZOOM = 0;
export const TILEJSON_MAXZOOM = 18;

const TYPE_NAMES: Record<string, string> = { text: 'String', number: 'Number', boolean: 'Boolean', date: 'String (date)' };

export interface TileJson {
  tilejson: '3.0.0';
  name: string;
  description?: string;
  version: string;
  attribution?: string;
  scheme: 'xyz';
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  center: [number, number, number];
  vector_layers: { id: string; description: string; minzoom: number; maxzoom: number; fields: Record<string, string> }[];
}

/**
 * `baseUrl`: scheme and host the request came in on (tile URLs must be absolute). Bounds are in
 * CRS84 as TileJSON requires: CGCS2000 (EPSG:4490) longitude/latitude differ from WGS 84 by
 * centimetres, far below a tile pixel at any announced zoom. A layer without data reports the
 * city extent.
 */
export function tileJson(
  layer: TileLayer,
  extent: VersionExtent | null,
  baseUrl: string,
  cityExtent: [number, number, number, number],
): TileJson {
  const b = extent?.bounds ?? cityExtent;
  // Rounded outwards to 1e-7° (≈ 1 cm) so the bounds still contain every feature.
  const bounds: [number, number, number, number] = [
    Math.floor(b[0] * 1e7) / 1e7,
    Math.floor(b[1] * 1e7) / 1e7,
    Math.ceil(b[2] * 1e7) / 1e7,
    Math.ceil(b[3] * 1e7) / 1e7,
  ];
  const fields: Record<string, string> = { fid: '要素标识 (feature id)' };
  const declared = attrNames(layer);
  if (declared) {
    for (const a of layer.attr_schema)
      if (declared.includes(a.name))
        fields[a.name] = a.label ? `${a.label} (${TYPE_NAMES[a.type] ?? a.type})` : (TYPE_NAMES[a.type] ?? a.type);
  } else {
    for (const k of extent?.keys ?? []) fields[k] = 'String or Number';
  }
  const attribution = [layer.owner_dept, layer.source].filter(Boolean).join(' · ');
  return {
    tilejson: '3.0.0',
    name: layer.name_zh,
    ...(layer.description ? { description: layer.description } : {}),
    // TileJSON: "when changes across tiles are introduced the minor version MUST change" —
    // the minor number is the layer's data version.
    version: `1.${layer.active_version ?? 0}.0`,
    ...(attribution ? { attribution } : {}),
    scheme: 'xyz',
    tiles: [`${baseUrl}/tiles/${encodeURIComponent(layer.code)}/{z}/{x}/{y}.mvt`],
    minzoom: TILEJSON_MINZOOM,
    maxzoom: TILEJSON_MAXZOOM,
    bounds,
    center: [round((bounds[0] + bounds[2]) / 2), round((bounds[1] + bounds[3]) / 2), 10],
    vector_layers: [{ id: layer.code, description: layer.name_zh, minzoom: TILEJSON_MINZOOM, maxzoom: TILEJSON_MAXZOOM, fields }],
  };
}

const round = (v: number) => Math.round(v * 1e7) / 1e7;
