// Shapes of the portal API answers (src/portal/portal.routes.ts), as the pages read them: aliases
// of the generated client's types (web/src/api/openapi.d.ts, from src/portal/portal.schemas.ts).
import type { Ok, Query } from '../../api/client.ts';

/** The point as [lon, lat] (a pair, as MapLibre takes it). */
export type PlaceAnswer = Omit<Ok<'/api/portal/at'>, 'point'> & { point: [number, number] };
export type PlaceFeature = PlaceAnswer['controls'][number];
export type Attribute = PlaceFeature['attributes'][number];
export type Indicator = NonNullable<PlaceAnswer['unit']>['indicators'][number];
export type Facility = PlaceAnswer['nearby']['facilities'][number];
export type Park = PlaceAnswer['nearby']['parks'][number];

export type ConsultationSummary = Ok<'/api/portal/consultations'>[number];
export type ConsultationState = ConsultationSummary['state'];
/** The consultation with its area read as GeoJSON (the schema says "GeoJSON MultiPolygon"). */
export type ConsultationDetail = Omit<Ok<'/api/portal/consultations/{id}'>, 'geometry'> & { geometry: GeoJSON.MultiPolygon };
export type PublicComment = ConsultationDetail['comments'][number];

/** A search hit (GET /api/search and GET /api/portal/parcels). */
export type SearchHit = Ok<'/api/search'>['hits'][number] | Ok<'/api/portal/parcels'>[number];

export type CommentReceipt = Ok<'/api/portal/consultations/{id}/comments', 'post'>;

export type StaffComment = Ok<'/api/portal/comments'>[number];
export type CommentStatus = NonNullable<Query<'/api/portal/comments'>['status']>;

/** A catalogue entry as GET /api/layers lists it (only the layers the caller may read). */
export type LayerEntry = Ok<'/api/layers'>[number];
