// Shapes of the portal API answers (src/portal/portal.routes.ts), as the pages read them.

export interface Indicator {
  field: string;
  label: string;
  value: number;
  unit: string;
  kind: 'max' | 'min';
}
export interface Attribute {
  field: string;
  label: string;
  value: unknown;
}

export interface PlaceFeature {
  layer: string;
  layerName: string;
  legalBasis: string | null;
  fid: string;
  label: string;
  attributes: Attribute[];
  areaM2: number | null;
  areaMu: number | null;
}

export interface Facility {
  fid: string;
  name: string;
  type: string | null;
  typeCode: string | null;
  distanceM: number;
  lon: number;
  lat: number;
}
export interface Park {
  fid: string;
  name: string;
  type: string | null;
  distanceM: number;
  areaM2: number | null;
  areaMu: number | null;
  lon: number;
  lat: number;
}

export type ConsultationState = 'upcoming' | 'open' | 'closed';

export interface ConsultationSummary {
  id: number;
  title: string;
  summary: string;
  planType: string | null;
  organiser: string | null;
  startDate: string;
  endDate: string;
  state: ConsultationState;
  stateName: string;
  daysLeft: number | null;
  documents: { title: string; url?: string }[];
  bbox: [number, number, number, number];
  areaM2: number;
  areaMu: number;
  approvedComments: number;
  // Staff only.
  pendingComments?: number;
  rejectedComments?: number;
  createdBy?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface PublicComment {
  id: number;
  name: string | null;
  text: string;
  submittedOn: string;
}

export interface ConsultationDetail extends ConsultationSummary {
  geometry: GeoJSON.MultiPolygon;
  comments: PublicComment[];
}

export interface PlaceAnswer {
  point: [number, number];
  district: { code: string; name: string } | null;
  unit: (PlaceFeature & { indicators: Indicator[] }) | null;
  landUse: (PlaceFeature & { code: string | null; name: string | null; indicators: Indicator[]; indicatorSource: string | null }) | null;
  controls: PlaceFeature[];
  nearby: { radiusM: number; facilities: Facility[]; parks: Park[] };
  consultations: ConsultationSummary[];
  versions: Record<string, number>;
}

/** A search hit (GET /api/search and GET /api/portal/parcels). */
export interface SearchHit {
  layer: string;
  layerName: string;
  fid: string;
  label: string;
  bbox: number[];
  center: number[];
}

export interface CommentReceipt {
  id: number;
  consultationId: number;
  status: string;
  statusName: string;
  submittedOn: string;
  message: string;
}

export type CommentStatus = 'pending' | 'approved' | 'rejected';

export interface StaffComment {
  id: number;
  consultationId: number;
  consultationTitle: string;
  name: string | null;
  contact: string | null;
  text: string;
  status: CommentStatus;
  statusName: string;
  submittedOn: string;
  createdAt: string;
  moderatedBy: string | null;
  moderatedAt: string | null;
  reason: string | null;
}

/** A catalogue entry as GET /api/layers lists it (only the layers the caller may read). */
export interface LayerEntry {
  code: string;
  name: string;
  class: string;
  version: number | null;
  featureCount: number;
  public: boolean;
}
