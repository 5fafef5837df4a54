// The viewer's calls to the platform (src/mapview/mapview.routes.ts, /api/search, /api/layers/…)
// and the shapes of their answers. Geometry work is the server's: the browser only draws.
import { api } from '../../api.ts';
import { hasMessage, lang, t } from '../../i18n/index.ts';

export interface LayerStyle {
  color: string;
  opacity?: number;
  fill?: boolean;
  lineWidth?: number;
  circleRadius?: number;
  categories?: { field: string; prefix: number; labelField?: string; colors: Record<string, string>; labels?: Record<string, string> };
}

export interface ViewerLayer {
  code: string;
  name: string;
  nameEn: string | null;
  class: string;
  geometryType: string;
  public: boolean;
  scope: 'all' | 'districts';
  version: number | null;
  versions: number;
  featureCount: number;
  statutory: boolean;
  legalBasis: string | null;
  source: string | null;
  ownerDept: string | null;
  dataDate: string | null;
  attributes: { name: string; type: string; label?: string }[];
  style: LayerStyle;
  visible: boolean;
}

export interface Catalogue {
  classOrder: string[];
  layers: ViewerLayer[];
}

/** A layer's name in the current language (the catalogue's English name when there is one). */
export const layerName = (l: Pick<ViewerLayer, 'name' | 'nameEn'>): string => (lang.value === 'en' && l.nameEn ? l.nameEn : l.name);
/** A layer class (基础, 管控, …) in the current language. */
export const className = (c: string): string => (hasMessage(`viewer.class.${c}`) ? t(`viewer.class.${c}`) : c);

export const catalogue = () => api<Catalogue>('/api/map/layers');

export interface IdentifiedFeature {
  fid: string;
  label: string;
  attributes: { field: string; label: string; value: unknown }[];
  areaM2: number | null;
  planarAreaM2: number | null;
  areaMu: number | null;
  lengthM: number | null;
  distanceM: number;
  bbox: [number, number, number, number];
}

export interface IdentifiedLayer {
  code: string;
  name: string;
  class: string;
  geometryType: string;
  version: number;
  legalBasis: string | null;
  ownerDept: string | null;
  features: IdentifiedFeature[];
}

export interface IdentifyAnswer {
  point: [number, number];
  toleranceM: number;
  layers: IdentifiedLayer[];
  featureCount: number;
}

export const identify = (lon: number, lat: number, toleranceM: number, layers?: string[], signal?: AbortSignal) =>
  api<IdentifyAnswer>('/api/map/identify', {
    query: { lon, lat, tolerance: Math.round(toleranceM * 100) / 100, layers: layers?.join(',') },
    signal,
  });

export interface Measurement {
  type: string;
  vertices: number;
  planarSrid: number;
  lengthM: { ellipsoidal: number; planar: number } | null;
  areaM2: { ellipsoidal: number; planar: number } | null;
  areaMu: { ellipsoidal: number; planar: number } | null;
  point: { lon: number; lat: number; x: number; y: number } | null;
}

export const measure = (geometry: GeoJSON.Geometry, signal?: AbortSignal) =>
  api<Measurement>('/api/map/measure', { body: { geometry }, signal });

export interface FieldInfo {
  name: string;
  label: string;
  type: 'text' | 'number' | 'boolean';
  count: number;
}
export const fields = (code: string) =>
  api<{ layer: string; version: number; fields: FieldInfo[] }>(`/api/map/layers/${encodeURIComponent(code)}/fields`);

export type ThematicMethod = 'categories' | 'equal' | 'quantile';
export interface ThematicClass {
  value?: string | null;
  from?: number;
  to?: number;
  count: number;
  areaM2: number | null;
  areaMu: number | null;
}
export interface ThematicAnswer {
  layer: string;
  version: number;
  field: string;
  label: string;
  method: ThematicMethod;
  features: number;
  numeric: number;
  classes: ThematicClass[];
  breaks: number[] | null;
  other: { values: number; count: number; areaM2: number | null } | null;
}
export const classes = (code: string, field: string, method: ThematicMethod, n: number) =>
  api<ThematicAnswer>(`/api/map/layers/${encodeURIComponent(code)}/classes`, {
    query: { field, method, classes: method === 'categories' ? undefined : n },
  });

export interface VersionInfo {
  version: number;
  active: boolean;
  createdAt: string;
  validFrom: string;
  featureCount: number;
  note: string | null;
  createdBy: string | null;
}
export const versions = (code: string) => api<VersionInfo[]>(`/api/layers/${encodeURIComponent(code)}/versions`);

export interface ChangeProps {
  status: 'added' | 'removed' | 'changed';
  fid: string;
  label: string;
  areaBeforeM2: number | null;
  areaAfterM2: number | null;
  areaChangeM2: number;
  geometryChanged: boolean | null;
  attributesChanged: string[];
  bbox: [number, number, number, number];
}
export interface ChangesAnswer {
  layer: string;
  from: number;
  to: number;
  summary: { added: number; removed: number; changed: number; areaChangeM2: number; areaChangeMu: number };
  total: number;
  truncated: boolean;
  features: GeoJSON.FeatureCollection<GeoJSON.Geometry, ChangeProps>;
}
export interface CompareParams {
  code: string;
  from: number;
  to: number;
  mode: 'swipe' | 'side';
}

export const changes = (code: string, from: number, to: number) =>
  api<ChangesAnswer>(`/api/map/layers/${encodeURIComponent(code)}/changes`, { query: { from, to } });

export interface LabelPoint {
  fid: string;
  label: string;
  lon: number;
  lat: number;
}
export const labels = (code: string) => api<{ layer: string; labels: LabelPoint[] }>(`/api/map/layers/${encodeURIComponent(code)}/labels`);

export interface SearchHit {
  layer: string;
  layerName: string;
  fid: string;
  label: string;
  bbox: number[];
  center: number[];
}
export const search = (q: string, signal?: AbortSignal) =>
  api<{ query: string; hits: SearchHit[] }>('/api/search', { query: { q, limit: 12 }, signal });
