// The portal's map: the shared base map (own tiles, district outlines) with the public planning
// layers a citizen reads — planned land use (GHYD) coloured by class, detailed-plan units (XXGHDY),
// the public control lines — and the portal's overlays: the point asked about, the unit there, the
// facilities and parks nearby and the areas under consultation. Only layers the anonymous catalogue
// (GET /api/layers) lists are ever requested, so a restricted layer's tiles are never asked for.
import * as maplibregl from 'maplibre-gl';
import type { Map as MlMap, GeoJSONSource, LngLatBoundsLike, FilterSpecification } from 'maplibre-gl';
import { createMap, addCatalogueLayer, setGeoJsonOverlay } from '../../map/basemap.ts';
import type { LayerEntry, PlaceAnswer } from './types.ts';
import { landUseExpression, controlColor, facilityColor, PARK_COLOR, POINT_COLOR, CONSULTATION_COLOR, UNIT_COLOR } from './style.ts';

/** The central districts (上城、拱墅、西湖、滨江): where most people ask first. */
export const MAIN_CITY: LngLatBoundsLike = [
  [120.03, 30.16],
  [120.31, 30.36],
];

export const LAND_USE = 'GHYD';
export const UNITS = 'XXGHDY';

export interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export type LayerGroup = 'landuse' | 'units' | 'controls' | 'consultations';

export interface PortalMap {
  map: MlMap;
  /** Resolves once the style and the public layers are on the map. */
  ready: Promise<void>;
  setGroup(group: LayerGroup, on: boolean): void;
  /** The control-line layers drawn (code, name, colour), for the legend. */
  controls: { code: string; name: string; color: string }[];
  showAnswer(a: PlaceAnswer | null): void;
  setConsultations(fc: GeoJSON.FeatureCollection | null): void;
  selectConsultation(id: number | null): void;
  /** Centre on a point in the part of the map the panel leaves visible (`padding`, pixels). */
  flyTo(lon: number, lat: number, padding: Padding, zoom?: number): void;
  fit(bbox: number[], padding: Padding, maxZoom?: number): void;
  remove(): void;
}

/** A ring of `radiusM` metres around a point, for display only (the distances come from PostGIS). */
function ring(lon: number, lat: number, radiusM: number): GeoJSON.Polygon {
  const dLat = radiusM / 111_320;
  const dLon = radiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
  const pts: number[][] = [];
  for (let i = 0; i <= 64; i++) {
    const a = (i / 64) * 2 * Math.PI;
    pts.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return { type: 'Polygon', coordinates: [pts] };
}

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The highlight of the unit an answer is about (fill, outline): its feature id, '' for none. */
const UNIT_LAYERS = ['portal-unit-fill', 'portal-unit-line'];
const unitFilter = (fid: string): FilterSpecification => ['==', ['get', 'fid'], fid];

export function createPortalMap(el: HTMLElement, layers: LayerEntry[], onClick: (lon: number, lat: number) => void): PortalMap {
  const map = createMap(el, { bounds: MAIN_CITY });
  const has = (code: string) => layers.some((l) => l.code === code && l.public && l.version !== null);
  const controls = layers
    .filter((l) => l.class === '管控' && l.public && l.version !== null)
    .map((l) => ({ code: l.code, name: l.name, color: controlColor(l.code) }));
  const groups: Record<LayerGroup, string[]> = { landuse: [], units: [], controls: [], consultations: [] };
  const visible: Record<LayerGroup, boolean> = { landuse: true, units: true, controls: true, consultations: true };
  let marker: maplibregl.Marker | null = null;

  const ready = new Promise<void>((resolve) =>
    map.on('load', () => {
      if (has(LAND_USE)) {
        groups.landuse = addCatalogueLayer(map, LAND_USE, 'Polygon', { color: '#ccc', opacity: 0.62 });
        map.setPaintProperty(`${LAND_USE}-fill`, 'fill-color', landUseExpression());
        map.setPaintProperty(`${LAND_USE}-line`, 'line-color', '#ffffff');
        map.setPaintProperty(`${LAND_USE}-line`, 'line-opacity', ['interpolate', ['linear'], ['zoom'], 11, 0, 14, 0.8]);
      }
      for (const c of controls) {
        const ids = addCatalogueLayer(map, c.code, 'LineString', { color: c.color, opacity: 0.9 });
        for (const id of ids) {
          map.setPaintProperty(id, 'line-width', ['interpolate', ['linear'], ['zoom'], 9, 1, 14, 2.2]);
          map.setPaintProperty(id, 'line-dasharray', [4, 2]);
        }
        groups.controls.push(...ids);
      }
      if (has(UNITS)) {
        const ids = addCatalogueLayer(map, UNITS, 'LineString', { color: UNIT_COLOR, opacity: 0.85 });
        map.setPaintProperty(`${UNITS}-line`, 'line-width', ['interpolate', ['linear'], ['zoom'], 9, 0.8, 14, 1.8]);
        // The unit the answer is about: a tinted fill and a thick outline, filtered by feature id.
        const unit = { source: UNITS, 'source-layer': UNITS, filter: unitFilter('') };
        map.addLayer({ id: UNIT_LAYERS[0], type: 'fill', ...unit, paint: { 'fill-color': POINT_COLOR, 'fill-opacity': 0.1 } });
        map.addLayer({ id: UNIT_LAYERS[1], type: 'line', ...unit, paint: { 'line-color': POINT_COLOR, 'line-width': 3.5 } });
        groups.units = [...ids, ...UNIT_LAYERS];
      }
      setGeoJsonOverlay(map, 'portal-consult', EMPTY, { color: CONSULTATION_COLOR, fillOpacity: 0.1, width: 2 });
      map.setPaintProperty('portal-consult-line', 'line-dasharray', [3, 1.5]);
      map.addLayer({
        id: 'portal-consult-sel',
        type: 'line',
        source: 'portal-consult',
        filter: ['==', ['get', 'id'], -1],
        paint: { 'line-color': CONSULTATION_COLOR, 'line-width': 4 },
      });
      groups.consultations = ['portal-consult-fill', 'portal-consult-line', 'portal-consult-point', 'portal-consult-sel'];
      map.addSource('portal-radius', { type: 'geojson', data: EMPTY });
      map.addLayer({
        id: 'portal-radius-fill',
        type: 'fill',
        source: 'portal-radius',
        paint: { 'fill-color': POINT_COLOR, 'fill-opacity': 0.05 },
      });
      map.addLayer({
        id: 'portal-radius-line',
        type: 'line',
        source: 'portal-radius',
        paint: { 'line-color': POINT_COLOR, 'line-width': 1.5, 'line-dasharray': [2, 2], 'line-opacity': 0.7 },
      });
      map.addSource('portal-nearby', { type: 'geojson', data: EMPTY });
      map.addLayer({
        id: 'portal-nearby',
        type: 'circle',
        source: 'portal-nearby',
        paint: {
          'circle-color': ['get', 'color'],
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 3.5, 15, 7],
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 1.5,
        },
      });
      resolve();
    }),
  );

  map.on('click', (e) => onClick(e.lngLat.lng, e.lngLat.lat));
  map.getCanvas().style.cursor = 'crosshair';

  const setVisibility = (g: LayerGroup) => {
    for (const id of groups[g]) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible[g] ? 'visible' : 'none');
  };

  return {
    map,
    ready,
    controls,
    setGroup(g, on) {
      visible[g] = on;
      void ready.then(() => setVisibility(g));
    },
    showAnswer(a) {
      void ready.then(() => {
        marker?.remove();
        marker = null;
        const fid = a?.unit?.fid ?? '';
        for (const id of UNIT_LAYERS) if (map.getLayer(id)) map.setFilter(id, unitFilter(fid));
        (map.getSource('portal-radius') as GeoJSONSource).setData(
          a ? { type: 'Feature', properties: {}, geometry: ring(a.point[0], a.point[1], a.nearby.radiusM) } : EMPTY,
        );
        const pts: GeoJSON.Feature[] = a
          ? [
              ...a.nearby.facilities.map((f) => ({
                type: 'Feature' as const,
                properties: { name: f.name, color: facilityColor(f.typeCode) },
                geometry: { type: 'Point' as const, coordinates: [f.lon, f.lat] },
              })),
              ...a.nearby.parks.map((p) => ({
                type: 'Feature' as const,
                properties: { name: p.name, color: PARK_COLOR },
                geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] },
              })),
            ]
          : [];
        (map.getSource('portal-nearby') as GeoJSONSource).setData({ type: 'FeatureCollection', features: pts });
        if (a) {
          const pin = document.createElement('div');
          pin.className = 'portal-pin';
          pin.setAttribute('data-test', 'portal-pin');
          // MapLibre positions the marker element with its own transform: the tilted head is a child.
          pin.appendChild(document.createElement('div')).className = 'portal-pin-head';
          marker = new maplibregl.Marker({ element: pin, anchor: 'bottom' }).setLngLat(a.point).addTo(map);
        }
      });
    },
    setConsultations(fc) {
      void ready.then(() => {
        setGeoJsonOverlay(map, 'portal-consult', fc ?? EMPTY, { color: CONSULTATION_COLOR });
        // Closed consultations stay off the map unless one is selected (portal-consult-sel).
        const notClosed: FilterSpecification = ['!=', ['get', 'state'], 'closed'];
        map.setFilter('portal-consult-fill', ['all', ['==', ['geometry-type'], 'Polygon'], notClosed]);
        map.setFilter('portal-consult-line', ['all', ['==', ['geometry-type'], 'Polygon'], notClosed]);
      });
    },
    selectConsultation(id) {
      void ready.then(() => map.setFilter('portal-consult-sel', ['==', ['get', 'id'], id ?? -1]));
    },
    flyTo(lon, lat, padding, zoom) {
      map.easeTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), zoom ?? 13), padding, duration: 600 });
    },
    fit(bbox, padding, maxZoom = 15) {
      if (bbox.length < 4) return;
      map.setPadding({ top: 0, bottom: 0, left: 0, right: 0 });
      map.fitBounds(
        [
          [bbox[0], bbox[1]],
          [bbox[2], bbox[3]],
        ],
        {
          padding: { top: padding.top + 24, bottom: padding.bottom + 24, left: padding.left + 24, right: padding.right + 24 },
          maxZoom,
          duration: 600,
        },
      );
    },
    remove() {
      marker?.remove();
      map.remove();
    },
  };
}
