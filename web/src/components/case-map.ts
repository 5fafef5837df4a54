// THE case map composable: a small map of a case (a parcel, a plot, a patrol spot, …) — shapes drawn
// over the base map, a catalogue layer faintly underneath for context, the view fitted to the shapes
// named in `focus` (default: all of them). Shapes are redrawn when they change; the map is removed
// with the component. Used by lifecycle LcMap.vue and farmland CaseMap.vue.
import { onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref } from 'vue';
import type { Map as MlMap } from 'maplibre-gl';
import { addCatalogueLayer, createMap, setGeoJsonOverlay } from '../map/basemap.ts';

/** A GeoJSON geometry as the API gives it. */
export interface AnyGeometry {
  type: string;
  coordinates?: unknown;
}
export interface Shape {
  id: string;
  /** One geometry, or several drawn as one layer. */
  geometry: AnyGeometry | AnyGeometry[] | null;
  color: string;
  fillOpacity?: number;
  dashed?: boolean;
  width?: number;
}
export interface CaseMapOptions {
  shapes: () => Shape[];
  focus?: () => string[] | undefined;
  /** A catalogue layer (polygons) shown faintly for context. */
  context?: { code: string; color: string; opacity: number } | null;
  interactive?: boolean;
  /** The margin around the fitted shapes, in degrees, from their extent. */
  pad?: (w: number, h: number) => [number, number];
  onReady?: (m: MlMap) => void;
}

/** Bounding box of the coordinates (for fitting the view only; areas come from the server). */
export function bbox(geoms: AnyGeometry[]): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      b = b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y];
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  geoms.forEach((g) => visit(g.coordinates));
  return b;
}

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
const list = (g: Shape['geometry']): AnyGeometry[] => (g === null ? [] : Array.isArray(g) ? g : [g]);
const feature = (g: AnyGeometry): GeoJSON.Feature => ({ type: 'Feature', properties: {}, geometry: g as GeoJSON.Geometry });
/** A parcel is a few hundred metres: keep some of its neighbourhood in view. */
const NEIGHBOURHOOD = (w: number, h: number): [number, number] => [Math.max(w * 0.6, 0.002), Math.max(h * 0.6, 0.0015)];

export function useCaseMap(el: Ref<HTMLElement | undefined>, o: CaseMapOptions) {
  const map = shallowRef<MlMap>();
  const loaded = ref(false);
  const drawnIds = new Set<string>();

  function fit() {
    const m = map.value;
    if (!m) return;
    const shapes = o.shapes();
    const focus = o.focus?.();
    const f = shapes.filter((s) => !focus || focus.includes(s.id)).flatMap((s) => list(s.geometry));
    const b = bbox(f.length ? f : shapes.flatMap((s) => list(s.geometry)));
    if (!b) return;
    const [padX, padY] = (o.pad ?? NEIGHBOURHOOD)(b[2] - b[0], b[3] - b[1]);
    m.fitBounds(
      [
        [b[0] - padX, b[1] - padY],
        [b[2] + padX, b[3] + padY],
      ],
      { padding: 10, maxZoom: 17, duration: 0 },
    );
  }

  function draw() {
    const m = map.value;
    if (!m || !loaded.value) return;
    const shapes = o.shapes();
    const now = new Set(shapes.map((s) => s.id));
    for (const id of drawnIds) if (!now.has(id)) setGeoJsonOverlay(m, id, EMPTY, { color: '#000' });
    for (const s of shapes) {
      const g = list(s.geometry);
      const data: GeoJSON.GeoJSON = g.length === 1 ? feature(g[0]) : { type: 'FeatureCollection', features: g.map(feature) };
      setGeoJsonOverlay(m, s.id, data, { color: s.color, fillOpacity: s.fillOpacity ?? 0.25, width: s.width ?? 2 });
      if (m.getLayer(`${s.id}-line`)) {
        m.setPaintProperty(`${s.id}-line`, 'line-color', s.color);
        m.setPaintProperty(`${s.id}-line`, 'line-width', s.width ?? 2);
        m.setPaintProperty(`${s.id}-line`, 'line-dasharray', s.dashed ? [2, 1.5] : [1, 0]);
        m.setPaintProperty(`${s.id}-fill`, 'fill-color', s.color);
        m.setPaintProperty(`${s.id}-fill`, 'fill-opacity', s.fillOpacity ?? 0.25);
      }
      drawnIds.add(s.id);
    }
    fit();
  }

  watch(() => [o.shapes(), o.focus?.()], draw, { deep: true });
  onMounted(() => {
    const interactive = o.interactive ?? true;
    const m = createMap(el.value!, { interactive, navigation: interactive });
    map.value = m;
    m.on('load', () => {
      if (o.context) addCatalogueLayer(m, o.context.code, 'Polygon', { color: o.context.color, opacity: o.context.opacity });
      loaded.value = true;
      draw();
      o.onReady?.(m);
    });
  });
  onBeforeUnmount(() => map.value?.remove());
  return { map, loaded, draw };
}
