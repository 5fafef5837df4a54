// The one map every page draws on: our own vector tiles over a neutral background (the machines
// are offline: no external tiles, fonts or sprites), district outlines from XZQ, the city extent,
// and a helper that adds any catalogue layer with a default style for its geometry type.
// Areas extend maps through these helpers so every page looks and behaves the same.
import * as maplibregl from 'maplibre-gl';
import type { Map as MlMap, LngLatBoundsLike, GeoJSONSource } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';

/** Hangzhou's extent (domain.md §2): 118.34–120.72°E, 29.18–30.57°N; the server's /health says the configured one. */
// MapLibre 6 runs its tile worker from a separate module that the bundle does not contain; the
// platform serves MapLibre's dist folder at /vendor/maplibre-gl/ (src/access/access.routes.ts).
maplibregl.setWorkerUrl('/vendor/maplibre-gl/maplibre-gl-worker.mjs');

export const CITY_BOUNDS: LngLatBoundsLike = [
  [118.34, 29.18],
  [120.72, 30.57],
];

export const tileUrl = (code: string): string => `${location.origin}/tiles/${encodeURIComponent(code)}/{z}/{x}/{y}.mvt`;

export interface MapOptions {
  /** Fit to these bounds on load (default: the city). */
  bounds?: LngLatBoundsLike;
  interactive?: boolean;
  /** Keep the drawing buffer so the canvas can be exported to PNG (costs a little speed). */
  preserveDrawingBuffer?: boolean;
  /** Draw the district outlines (default true). */
  districts?: boolean;
  /** Zoom buttons (default true when interactive); a map beside another may go without. */
  navigation?: boolean;
}

/** A MapLibre map over our own tiles, with navigation and scale controls. */
export function createMap(container: HTMLElement, o: MapOptions = {}): MlMap {
  const map = new maplibregl.Map({
    container,
    bounds: o.bounds ?? CITY_BOUNDS,
    fitBoundsOptions: { padding: 20 },
    interactive: o.interactive ?? true,
    attributionControl: false,
    canvasContextAttributes: { preserveDrawingBuffer: o.preserveDrawingBuffer ?? false },
    maxZoom: 19,
    style: {
      version: 8,
      sources: {},
      layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f2f1ed' } }],
    },
  });
  if (o.interactive ?? true) {
    if (o.navigation ?? true) map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  }
  if (o.districts ?? true) map.on('load', () => addDistrictOutlines(map));
  return map;
}

/** District outlines (XZQ, public) drawn above the layers added before. */
export function addDistrictOutlines(map: MlMap): void {
  if (map.getSource('XZQ')) return;
  map.addSource('XZQ', { type: 'vector', tiles: [tileUrl('XZQ')], minzoom: 0, maxzoom: 16 });
  map.addLayer({
    id: 'XZQ-line',
    type: 'line',
    source: 'XZQ',
    'source-layer': 'XZQ',
    paint: { 'line-color': '#7a6f9b', 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.8, 12, 2], 'line-dasharray': [3, 2] },
  });
}

export type GeometryKind = 'Polygon' | 'MultiPolygon' | 'LineString' | 'MultiLineString' | 'Point' | 'MultiPoint';

export interface LayerStyle {
  color: string;
  opacity?: number;
  /** Insert below this map layer id (e.g. to keep outlines on top). */
  before?: string;
}

/**
 * Adds catalogue layer `code` as vector tiles (source id = code, map layer ids `${code}-fill`,
 * `${code}-line`, `${code}-circle`); returns the map layer ids it added.
 */
export function addCatalogueLayer(map: MlMap, code: string, geometry: GeometryKind | string, s: LayerStyle): string[] {
  if (!map.getSource(code)) map.addSource(code, { type: 'vector', tiles: [tileUrl(code)], minzoom: 0, maxzoom: 16 });
  const src = { source: code, 'source-layer': code };
  const before = s.before && map.getLayer(s.before) ? s.before : map.getLayer('XZQ-line') ? 'XZQ-line' : undefined;
  const ids: string[] = [];
  if (/Polygon/.test(geometry)) {
    map.addLayer({ id: `${code}-fill`, type: 'fill', ...src, paint: { 'fill-color': s.color, 'fill-opacity': s.opacity ?? 0.45 } }, before);
    map.addLayer({ id: `${code}-line`, type: 'line', ...src, paint: { 'line-color': s.color, 'line-width': 0.8 } }, before);
    ids.push(`${code}-fill`, `${code}-line`);
  } else if (/LineString/.test(geometry)) {
    map.addLayer(
      { id: `${code}-line`, type: 'line', ...src, paint: { 'line-color': s.color, 'line-width': 1.5, 'line-opacity': s.opacity ?? 0.9 } },
      before,
    );
    ids.push(`${code}-line`);
  } else {
    map.addLayer(
      {
        id: `${code}-circle`,
        type: 'circle',
        ...src,
        paint: {
          'circle-color': s.color,
          'circle-radius': 4,
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 1,
          'circle-opacity': s.opacity ?? 1,
        },
      },
      before,
    );
    ids.push(`${code}-circle`);
  }
  return ids;
}

/** A GeoJSON overlay (review boundaries, findings, isochrones) with fill and outline; replaced on each call. */
export function setGeoJsonOverlay(
  map: MlMap,
  id: string,
  data: GeoJSON.GeoJSON | string,
  s: { color: string; fillOpacity?: number; width?: number },
): void {
  const src = map.getSource(id) as GeoJSONSource | undefined;
  if (src) {
    src.setData(data);
    return;
  }
  map.addSource(id, { type: 'geojson', data });
  map.addLayer({
    id: `${id}-fill`,
    type: 'fill',
    source: id,
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': s.color, 'fill-opacity': s.fillOpacity ?? 0.25 },
  });
  map.addLayer({
    id: `${id}-line`,
    type: 'line',
    source: id,
    filter: ['in', ['geometry-type'], ['literal', ['Polygon', 'LineString']]],
    paint: { 'line-color': s.color, 'line-width': s.width ?? 2 },
  });
  map.addLayer({
    id: `${id}-point`,
    type: 'circle',
    source: id,
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-color': s.color, 'circle-radius': 6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
  });
}

/** Fits the map to a GeoJSON bbox [minLon, minLat, maxLon, maxLat]. */
export function fitBbox(map: MlMap, bbox: number[] | null | undefined, padding = 40): void {
  if (bbox && bbox.length >= 4)
    map.fitBounds(
      [
        [bbox[0], bbox[1]],
        [bbox[2], bbox[3]],
      ],
      { padding, maxZoom: 17, duration: 0 },
    );
}
