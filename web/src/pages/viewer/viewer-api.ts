// The viewer's calls to the platform (src/mapview/mapview.routes.ts, /api/search, /api/layers/…).
// Every answer's type comes from the generated client (web/src/api/openapi.d.ts, built from the
// server's schemas in src/mapview/mapview.schemas.ts). Geometry work is the server's: the browser
// only draws.
import { GET, POST, type Ok, type Query } from '../../api/client.ts';
import { hasMessage, lang, t } from '../../i18n/index.ts';

export type Catalogue = Ok<'/api/map/layers'>;
export type ViewerLayer = Catalogue['layers'][number];
export type LayerStyle = ViewerLayer['style'];

/** A layer's name in the current language (the catalogue's English name when there is one). */
export const layerName = (l: Pick<ViewerLayer, 'name' | 'nameEn'>): string => (lang.value === 'en' && l.nameEn ? l.nameEn : l.name);
/** A layer class (基础, 管控, …) in the current language. */
export const className = (c: string): string => (hasMessage(`viewer.class.${c}`) ? t(`viewer.class.${c}`) : c);

export const catalogue = () => GET('/api/map/layers');

export type IdentifyAnswer = Ok<'/api/map/identify'>;
export type IdentifiedLayer = IdentifyAnswer['layers'][number];
export type IdentifiedFeature = IdentifiedLayer['features'][number];

export const identify = (lon: number, lat: number, toleranceM: number, layers?: string[], signal?: AbortSignal) =>
  GET('/api/map/identify', {
    query: { lon, lat, tolerance: Math.round(toleranceM * 100) / 100, layers: layers?.join(',') },
    signal,
  });

export type Measurement = Ok<'/api/map/measure', 'post'>;

export const measure = (geometry: GeoJSON.Geometry, signal?: AbortSignal) => POST('/api/map/measure', { body: { geometry }, signal });

export type FieldInfo = Ok<'/api/map/layers/{code}/fields'>['fields'][number];
export const fields = (code: string) => GET('/api/map/layers/{code}/fields', { path: { code } });

export type ThematicMethod = NonNullable<Query<'/api/map/layers/{code}/classes'>['method']>;
export type ThematicAnswer = Ok<'/api/map/layers/{code}/classes'>;
export type ThematicClass = ThematicAnswer['classes'][number];
export const classes = (code: string, field: string, method: ThematicMethod, n: number) =>
  GET('/api/map/layers/{code}/classes', {
    path: { code },
    query: { field, method, classes: method === 'categories' ? undefined : n },
  });

export type VersionInfo = Ok<'/api/layers/{code}/versions'>[number];
export const versions = (code: string) => GET('/api/layers/{code}/versions', { path: { code } });

type ChangesOk = Ok<'/api/map/layers/{code}/changes'>;
export type ChangeProps = ChangesOk['features']['features'][number]['properties'];
/** The changes, their FeatureCollection read as GeoJSON (the schema says "a GeoJSON geometry"; MapLibre wants its type). */
export type ChangesAnswer = Omit<ChangesOk, 'features'> & { features: GeoJSON.FeatureCollection<GeoJSON.Geometry, ChangeProps> };
/** What the compare view shows: the changes query (from, to) of a layer, and how. */
export type CompareParams = Required<Query<'/api/map/layers/{code}/changes'>> & { code: string; mode: 'swipe' | 'side' };

export const changes = (code: string, from: number, to: number) =>
  GET('/api/map/layers/{code}/changes', { path: { code }, query: { from, to } }) as Promise<ChangesAnswer>;

export type LabelPoint = Ok<'/api/map/layers/{code}/labels'>['labels'][number];
export const labels = (code: string) => GET('/api/map/layers/{code}/labels', { path: { code } });

export type SearchHit = Ok<'/api/search'>['hits'][number];
export const search = (q: string, signal?: AbortSignal) => GET('/api/search', { query: { q, limit: 12 }, signal });
