// Drawing points, lines and polygons on a MapLibre map: click to add a vertex, double-click (or
// finish()) to complete, Escape or cancel() to drop the sketch. The tool only collects lon/lat
// coordinates and draws the sketch; what a shape measures is asked of the server (PostGIS), as
// everywhere in the application. Used by the viewer (量算/绘制) and reusable by any page that lets
// a user draw a boundary.
import type { Map as MlMap, MapMouseEvent, GeoJSONSource } from 'maplibre-gl';

export type DrawKind = 'point' | 'line' | 'polygon';

export interface DrawOptions {
  color?: string;
  /** Called after each added vertex (and on the first click of a point). */
  onChange?(geometry: GeoJSON.Geometry | null, kind: DrawKind): void;
  /** Called with the finished shape. */
  onFinish(geometry: GeoJSON.Geometry, kind: DrawKind): void;
}

const SRC = 'om-draw-sketch';

export class DrawTool {
  private kind: DrawKind | null = null;
  private coords: [number, number][] = [];
  private hover: [number, number] | null = null;
  private readonly onClick = (e: MapMouseEvent) => this.click(e);
  private readonly onDblClick = (e: MapMouseEvent) => this.dblclick(e);
  private readonly onMove = (e: MapMouseEvent) => this.move(e);
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') this.cancel();
    if (e.key === 'Enter') this.finish();
  };

  constructor(
    private readonly map: MlMap,
    private readonly o: DrawOptions,
  ) {}

  get active(): DrawKind | null {
    return this.kind;
  }

  /** Vertices placed so far. */
  get vertices(): number {
    return this.coords.length;
  }

  start(kind: DrawKind): void {
    this.stop();
    this.kind = kind;
    this.coords = [];
    this.ensureLayers();
    this.map.doubleClickZoom.disable();
    this.map.getCanvas().style.cursor = 'crosshair';
    this.map.on('click', this.onClick);
    this.map.on('dblclick', this.onDblClick);
    this.map.on('mousemove', this.onMove);
    window.addEventListener('keydown', this.onKey);
    this.render();
  }

  /** Ends drawing without a shape. */
  stop(): void {
    if (!this.kind) return;
    this.kind = null;
    this.coords = [];
    this.hover = null;
    this.map.off('click', this.onClick);
    this.map.off('dblclick', this.onDblClick);
    this.map.off('mousemove', this.onMove);
    window.removeEventListener('keydown', this.onKey);
    this.map.doubleClickZoom.enable();
    this.map.getCanvas().style.cursor = '';
    this.render();
  }

  cancel(): void {
    const kind = this.kind;
    this.stop();
    if (kind) this.o.onChange?.(null, kind);
  }

  /** Completes the current line (≥ 2 vertices) or polygon (≥ 3); keeps the tool on for the next shape. */
  finish(): boolean {
    const kind = this.kind;
    const g = this.geometry(false);
    if (!kind || !g || kind === 'point') return false;
    this.coords = [];
    this.hover = null;
    this.render();
    this.o.onFinish(g, kind);
    return true;
  }

  private click(e: MapMouseEvent): void {
    if (!this.kind) return;
    const p: [number, number] = [e.lngLat.lng, e.lngLat.lat];
    if (this.kind === 'point') {
      const g: GeoJSON.Point = { type: 'Point', coordinates: p };
      this.o.onChange?.(g, 'point');
      this.o.onFinish(g, 'point');
      return;
    }
    this.coords.push(p);
    this.render();
    this.o.onChange?.(this.geometry(false), this.kind);
  }

  private dblclick(e: MapMouseEvent): void {
    e.preventDefault();
    // A double-click also fired two clicks at the same place: drop the repeated vertex.
    const n = this.coords.length;
    if (n >= 2 && this.coords[n - 1][0] === this.coords[n - 2][0] && this.coords[n - 1][1] === this.coords[n - 2][1]) this.coords.pop();
    this.finish();
  }

  private move(e: MapMouseEvent): void {
    if (!this.kind || this.kind === 'point' || !this.coords.length) return;
    this.hover = [e.lngLat.lng, e.lngLat.lat];
    this.render();
  }

  /** The shape so far; with the hover point while drawing (the rubber band). */
  private geometry(withHover: boolean): GeoJSON.Geometry | null {
    const pts = withHover && this.hover ? [...this.coords, this.hover] : this.coords;
    if (this.kind === 'line') return pts.length >= 2 ? { type: 'LineString', coordinates: pts } : null;
    if (this.kind === 'polygon')
      return pts.length >= 3
        ? { type: 'Polygon', coordinates: [[...pts, pts[0]]] }
        : pts.length === 2
          ? { type: 'LineString', coordinates: pts }
          : null;
    return null;
  }

  private ensureLayers(): void {
    if (this.map.getSource(SRC)) return;
    const color = this.o.color ?? '#e8590c';
    this.map.addSource(SRC, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    this.map.addLayer({
      id: `${SRC}-fill`,
      type: 'fill',
      source: SRC,
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': color, 'fill-opacity': 0.15 },
    });
    this.map.addLayer({
      id: `${SRC}-line`,
      type: 'line',
      source: SRC,
      filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': color, 'line-width': 2, 'line-dasharray': [2, 1] },
    });
    this.map.addLayer({
      id: `${SRC}-vertex`,
      type: 'circle',
      source: SRC,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 4, 'circle-color': '#fff', 'circle-stroke-color': color, 'circle-stroke-width': 2 },
    });
  }

  private render(): void {
    const src = this.map.getSource(SRC) as GeoJSONSource | undefined;
    if (!src) return;
    const features: GeoJSON.Feature[] = this.coords.map((c) => ({
      type: 'Feature',
      properties: {},
      geometry: { type: 'Point', coordinates: c },
    }));
    const g = this.kind ? this.geometry(true) : null;
    if (g) features.unshift({ type: 'Feature', properties: {}, geometry: g });
    src.setData({ type: 'FeatureCollection', features });
  }
}
