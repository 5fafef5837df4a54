// Catalogue layers on the viewer's map: each added on first show (a source per layer, our own
// vector tiles) in a fixed drawing order, with visibility, opacity, a thematic colouring and
// feature highlights. Styles come from the server's registry (src/mapview/layer-styles.json).
import type { Map as MlMap, ExpressionSpecification, FilterSpecification } from 'maplibre-gl';
import { tileUrl } from '../../map/basemap.ts';
import type { ViewerLayer } from './viewer-api.ts';

const NO_DATA = '#c8c8c8';
/** Overlays (drawings, highlights, search hits) carry this id prefix and stay above every layer. */
export const OVERLAY_PREFIX = 'om-';

// Drawing order, bottom to top: filled polygons by class (status and plans under the control
// lines), then outlines, then lines, then points.
const CLASS_RANK: Record<string, number> = { 现状: 0, 规划: 1, 审批: 2, 参考: 3, 管控: 4, 基础: 5 };

export type Kind = 'fill' | 'outline' | 'line' | 'circle';

export function kindOf(l: ViewerLayer): Kind {
  if (/Point/i.test(l.geometryType)) return 'circle';
  if (/Line/i.test(l.geometryType)) return 'line';
  return l.style.fill === false ? 'outline' : 'fill';
}

function rank(l: ViewerLayer, index: number): number {
  const kind = { fill: 0, outline: 1, line: 2, circle: 3 }[kindOf(l)];
  return kind * 1e6 + (CLASS_RANK[l.class] ?? 3) * 1e3 + index;
}

/** Land-use colours by code prefix: ['match', slice(code, 0, n), '07', '#ffe45c', …, fallback]. */
export function categoryColor(l: ViewerLayer): ExpressionSpecification | string {
  const c = l.style.categories;
  if (!c || !Object.keys(c.colors).length) return l.style.color;
  const pairs = Object.entries(c.colors).flat();
  return ['match', ['slice', ['to-string', ['get', c.field]], 0, c.prefix], ...pairs, NO_DATA] as unknown as ExpressionSpecification;
}

export interface Thematic {
  field: string;
  /** Categories: value → colour. */
  values?: [string, string][];
  /** Breaks: colours[i] for breaks[i-1] ≤ v < breaks[i]. */
  breaks?: number[];
  colors: string[];
}

export function thematicColor(t: Thematic): ExpressionSpecification {
  if (t.values) {
    if (!t.values.length) return ['literal', NO_DATA] as unknown as ExpressionSpecification;
    return ['match', ['to-string', ['get', t.field]], ...t.values.flat(), NO_DATA] as unknown as ExpressionSpecification;
  }
  const steps: unknown[] = [t.colors[0]];
  (t.breaks ?? []).forEach((b, i) => steps.push(b, t.colors[i + 1]));
  const body = steps.length > 1 ? ['step', ['get', t.field], ...steps] : t.colors[0];
  return ['case', ['==', ['typeof', ['get', t.field]], 'number'], body, NO_DATA] as unknown as ExpressionSpecification;
}

export class LayerManager {
  private readonly byCode: Map<string, { layer: ViewerLayer; rank: number }>;
  private readonly opacity = new Map<string, number>();
  private readonly thematic = new Map<string, Thematic>();

  /** `version`: show this version of every layer added (the compare view's maps). */
  constructor(
    private readonly map: MlMap,
    layers: ViewerLayer[],
    private readonly versionOf: (code: string) => number | null = () => null,
  ) {
    this.byCode = new Map(layers.map((l, i) => [l.code, { layer: l, rank: rank(l, i) }]));
  }

  layer(code: string): ViewerLayer | undefined {
    return this.byCode.get(code)?.layer;
  }

  /** Map layer ids of a catalogue layer (source id = code). */
  ids(code: string): string[] {
    const l = this.layer(code);
    if (!l) return [];
    const k = kindOf(l);
    // An outline layer gets a fill while it is a thematic map (setThematic).
    const thematicFill = k === 'outline' && this.map.getLayer(`${code}-fill`);
    return k === 'fill' || thematicFill ? [`${code}-fill`, `${code}-line`] : k === 'circle' ? [`${code}-circle`] : [`${code}-line`];
  }

  /** Adds the source (no layers drawn): for highlights of a layer that is not shown. */
  ensureSource(code: string): void {
    if (this.map.getSource(code)) return;
    const v = this.versionOf(code);
    const url = tileUrl(code) + (v ? `?version=${v}` : '');
    this.map.addSource(code, { type: 'vector', tiles: [url], minzoom: 0, maxzoom: 16 });
  }

  /** Adds the layer's map layers once, below every layer drawn above it and below the overlays. */
  ensure(code: string): void {
    const e = this.byCode.get(code);
    if (!e || this.map.getLayer(this.ids(code)[0])) return;
    this.ensureSource(code);
    const before = this.beforeId(e.rank);
    const l = e.layer;
    const s = l.style;
    const src = { source: code, 'source-layer': code };
    const o = this.opacity.get(code) ?? 1;
    const k = kindOf(l);
    const color = this.thematic.has(code) ? thematicColor(this.thematic.get(code)!) : categoryColor(l);
    if (k === 'fill') {
      this.map.addLayer(
        {
          id: `${code}-fill`,
          type: 'fill',
          ...src,
          paint: { 'fill-color': color, 'fill-opacity': (this.thematic.has(code) ? 0.8 : (s.opacity ?? 0.45)) * o },
        },
        before,
      );
      this.map.addLayer(
        {
          id: `${code}-line`,
          type: 'line',
          ...src,
          paint: {
            'line-color': s.categories ? '#6b6b6b' : s.color,
            'line-opacity': (s.categories ? 0.35 : 0.9) * o,
            'line-width': s.lineWidth ?? (s.categories ? 0.4 : 0.8),
          },
        },
        before,
      );
    } else if (k === 'outline' || k === 'line') {
      const dashed = code === 'XZQ';
      this.map.addLayer(
        {
          id: `${code}-line`,
          type: 'line',
          ...src,
          paint: {
            'line-color': s.color,
            'line-opacity': o,
            'line-width': s.lineWidth ?? (dashed ? ['interpolate', ['linear'], ['zoom'], 7, 1, 12, 2.2] : 1.2),
            ...(dashed ? { 'line-dasharray': [3, 2] } : {}),
          },
        },
        before,
      );
    } else {
      this.map.addLayer(
        {
          id: `${code}-circle`,
          type: 'circle',
          ...src,
          paint: {
            'circle-color': color,
            'circle-opacity': o,
            'circle-stroke-color': '#fff',
            'circle-stroke-width': 1,
            'circle-stroke-opacity': o,
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, (s.circleRadius ?? 4) * 0.6, 14, (s.circleRadius ?? 4) * 1.4],
          },
        },
        before,
      );
    }
  }

  setVisible(code: string, visible: boolean): void {
    if (visible) this.ensure(code);
    for (const id of this.ids(code)) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }

  setOpacity(code: string, o: number): void {
    this.opacity.set(code, o);
    const l = this.layer(code);
    if (!l) return;
    const s = l.style;
    for (const id of this.ids(code)) {
      if (!this.map.getLayer(id)) continue;
      if (id.endsWith('-fill')) this.map.setPaintProperty(id, 'fill-opacity', (this.thematic.has(code) ? 0.8 : (s.opacity ?? 0.45)) * o);
      else if (id.endsWith('-line'))
        this.map.setPaintProperty(id, 'line-opacity', (kindOf(l) === 'fill' ? (s.categories ? 0.35 : 0.9) : 1) * o);
      else {
        this.map.setPaintProperty(id, 'circle-opacity', o);
        this.map.setPaintProperty(id, 'circle-stroke-opacity', o);
      }
    }
  }

  /** Colours the layer by a thematic classification, or back to its own style (null). */
  setThematic(code: string, t: Thematic | null): void {
    if (t) this.thematic.set(code, t);
    else this.thematic.delete(code);
    const l = this.layer(code);
    if (!l) return;
    const color = t ? thematicColor(t) : categoryColor(l);
    if (kindOf(l) === 'outline' && this.map.getLayer(`${code}-line`)) {
      // Outlines (units, boundaries) are filled while they are a thematic map, under their outline.
      const has = !!this.map.getLayer(`${code}-fill`);
      if (t && !has) {
        const vis = this.map.getLayoutProperty(`${code}-line`, 'visibility') ?? 'visible';
        this.map.addLayer(
          {
            id: `${code}-fill`,
            type: 'fill',
            source: code,
            'source-layer': code,
            layout: { visibility: vis },
            paint: { 'fill-color': color, 'fill-opacity': 0.8 * (this.opacity.get(code) ?? 1) },
          },
          `${code}-line`,
        );
      } else if (!t && has) this.map.removeLayer(`${code}-fill`);
      return;
    }
    if (this.map.getLayer(`${code}-fill`)) {
      this.map.setPaintProperty(`${code}-fill`, 'fill-color', color);
      // A thematic map is read by its colours: make them solid enough.
      this.map.setPaintProperty(`${code}-fill`, 'fill-opacity', (t ? 0.8 : (l.style.opacity ?? 0.45)) * (this.opacity.get(code) ?? 1));
    }
    if (this.map.getLayer(`${code}-circle`)) this.map.setPaintProperty(`${code}-circle`, 'circle-color', color);
  }

  /** Outlines the features `fids` of layer `code` (identify, search, compare); [] removes. */
  highlight(code: string, fids: string[], selected?: string): void {
    const id = `${OVERLAY_PREFIX}hl-${code}`;
    if (!fids.length) {
      for (const x of [`${id}-fill`, `${id}-line`, `${id}-circle`]) if (this.map.getLayer(x)) this.map.removeLayer(x);
      return;
    }
    this.ensureSource(code);
    const filter = ['in', ['get', 'fid'], ['literal', fids]] as unknown as FilterSpecification;
    const width: ExpressionSpecification = ['case', ['==', ['get', 'fid'], selected ?? ''], 4, 2.5];
    const src = { source: code, 'source-layer': code };
    const l = this.layer(code)!;
    if (kindOf(l) === 'circle') {
      if (!this.map.getLayer(`${id}-circle`))
        this.map.addLayer({
          id: `${id}-circle`,
          type: 'circle',
          ...src,
          paint: { 'circle-radius': 8, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#00b3ff', 'circle-stroke-width': 3 },
        });
      this.map.setFilter(`${id}-circle`, filter);
      return;
    }
    if (kindOf(l) !== 'line' && !this.map.getLayer(`${id}-fill`))
      this.map.addLayer({ id: `${id}-fill`, type: 'fill', ...src, paint: { 'fill-color': '#00b3ff', 'fill-opacity': 0.18 } });
    if (!this.map.getLayer(`${id}-line`))
      this.map.addLayer({ id: `${id}-line`, type: 'line', ...src, paint: { 'line-color': '#00b3ff', 'line-width': width } });
    if (this.map.getLayer(`${id}-fill`))
      this.map.setFilter(`${id}-fill`, ['all', filter, ['==', ['get', 'fid'], selected ?? '']] as unknown as FilterSpecification);
    this.map.setFilter(`${id}-line`, filter);
    this.map.setPaintProperty(`${id}-line`, 'line-width', width);
  }

  clearHighlights(): void {
    for (const code of this.byCode.keys()) this.highlight(code, []);
  }

  private beforeId(r: number): string | undefined {
    for (const ml of this.map.getStyle().layers) {
      if (ml.id.startsWith(OVERLAY_PREFIX)) return ml.id;
      const src = (ml as { source?: string }).source;
      const e = src ? this.byCode.get(src) : undefined;
      if (e && e.rank > r) return ml.id;
    }
    return undefined;
  }
}
