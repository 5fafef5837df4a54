// Request and response schemas of 规划一点通 (portal.routes.ts): the point query, parcel search,
// consultations and their comments. Response schemas are closed and name every member the
// services return; attribute values are free (whatever the layer holds).
import { Type, Obj, Str, Int, Num, Nullable, Enum, List, Dict, Bbox, Geometry, IdParams, DateOnly, errors } from '../schema.ts';
import { NullableAreaFields } from '../schema.ts';
import { COMMENT_MIN, COMMENT_MAX } from './consultation.service.ts';
import { DEFAULT_RADIUS_M, MAX_RADIUS_M } from './place.service.ts';

const tags = ['portal'];

export const ConsultationState = Enum(['upcoming', 'open', 'closed']);
export const CommentStatus = Enum(['pending', 'approved', 'rejected']);

export const Attribute = Obj({ field: Str(), label: Str(), value: Type.Unknown({ description: 'attribute value (any JSON)' }) });
export const Indicator = Obj({ field: Str(), label: Str(), value: Num(), unit: Str(), kind: Enum(['max', 'min']) });

const placeFeature = {
  layer: Str(),
  layerName: Str(),
  legalBasis: Nullable(Str()),
  fid: Str(),
  label: Str(),
  attributes: List(Attribute),
  ...NullableAreaFields,
};
export const PlaceFeature = Obj(placeFeature);

export const Document = Obj({ title: Str({ minLength: 1, maxLength: 200 }), url: Type.Optional(Str({ maxLength: 1000 })) });

const summary = {
  id: Int(),
  title: Str(),
  summary: Str(),
  planType: Nullable(Str()),
  organiser: Nullable(Str()),
  startDate: Str(),
  endDate: Str(),
  state: ConsultationState,
  stateName: Str(),
  daysLeft: Nullable(Int({ description: 'days left including today while open; null otherwise' })),
  documents: List(Document),
  bbox: Bbox,
  areaM2: Num({ description: '椭球面积 m²' }),
  areaMu: Num(),
  approvedComments: Int(),
  // Present for planners and administrators only.
  pendingComments: Type.Optional(Int({ description: 'planners and administrators only' })),
  rejectedComments: Type.Optional(Int({ description: 'planners and administrators only' })),
  createdBy: Type.Optional(Str({ description: 'planners and administrators only' })),
  createdAt: Type.Optional(Str({ description: 'planners and administrators only' })),
  updatedAt: Type.Optional(Str({ description: 'planners and administrators only' })),
};
export const ConsultationSummary = Obj(summary);
export const PublicComment = Obj({ id: Int(), name: Nullable(Str()), text: Str(), submittedOn: Str() });
export const ConsultationDetail = Obj({
  ...summary,
  geometry: Type.Unsafe<unknown>({ ...Geometry, description: 'GeoJSON MultiPolygon, EPSG:4490 lon/lat' }),
  comments: List(PublicComment, { description: 'approved comments only' }),
});

export const StaffComment = Obj({
  id: Int(),
  consultationId: Int(),
  consultationTitle: Str(),
  name: Nullable(Str()),
  contact: Nullable(Str()),
  text: Str(),
  status: CommentStatus,
  statusName: Str(),
  submittedOn: Str(),
  createdAt: Str(),
  moderatedBy: Nullable(Str()),
  moderatedAt: Nullable(Str()),
  reason: Nullable(Str()),
});

export const PlaceAnswer = Obj(
  {
    point: List(Num()),
    district: Nullable(Obj({ code: Str(), name: Str() })),
    unit: Nullable(
      Obj({ ...placeFeature, indicators: List(Indicator) }, { description: '详细规划单元 (XXGHDY) and its indicator limits' }),
    ),
    landUse: Nullable(
      Obj(
        { ...placeFeature, code: Nullable(Str()), name: Nullable(Str()), indicators: List(Indicator), indicatorSource: Nullable(Str()) },
        { description: "规划用地 (GHYD): class and the indicator limits that apply (its own, else the unit's)" },
      ),
    ),
    controls: List(PlaceFeature, { description: 'public control lines (管控) containing the point, with legal basis' }),
    nearby: Obj({
      radiusM: Num(),
      facilities: List(
        Obj({ fid: Str(), name: Str(), type: Nullable(Str()), typeCode: Nullable(Str()), distanceM: Num(), lon: Num(), lat: Num() }),
      ),
      parks: List(
        Obj({
          fid: Str(),
          name: Str(),
          type: Nullable(Str()),
          distanceM: Num(),
          ...NullableAreaFields,
          lon: Num(),
          lat: Num(),
        }),
      ),
    }),
    consultations: List(ConsultationSummary),
    versions: Dict(Int(), { description: 'layer code → the version the answer was read from' }),
  },
  { description: '规划一点通：点位适用的规划与管控 (what the public plans say about a point)' },
);

export const ParcelHit = Obj({
  layer: Str(),
  layerName: Str(),
  fid: Str(),
  label: Str(),
  bbox: Bbox,
  center: List(Num(), { description: 'a point inside the parcel (lon, lat)' }),
});

export const ConsultationArea = Obj({
  type: Type.Literal('Feature'),
  id: Int(),
  geometry: Type.Unsafe<unknown>({ ...Geometry, description: 'GeoJSON MultiPolygon' }),
  properties: Obj({
    id: Int(),
    title: Str(),
    state: ConsultationState,
    stateName: Str(),
    daysLeft: Nullable(Int()),
    startDate: Str(),
    endDate: Str(),
  }),
});

const StateQuery = Obj({
  state: Type.Optional(ConsultationState),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});

const consultationFields = {
  title: Str({ minLength: 1, maxLength: 200 }),
  summary: Str({ maxLength: 10000 }),
  planType: Nullable(Str({ maxLength: 100 })),
  organiser: Nullable(Str({ maxLength: 200 })),
  startDate: DateOnly(),
  endDate: DateOnly(),
  documents: List(Document),
  geojson: Type.Unknown({
    description:
      '公示范围: GeoJSON Polygon/MultiPolygon, Feature or FeatureCollection; lon/lat CGCS2000 unless a crs member or srid says otherwise',
  }),
  srid: Int({ description: 'source CRS when the GeoJSON does not say (e.g. 4549)' }),
};
export const NewConsultation = Obj({
  title: consultationFields.title,
  summary: Type.Optional(consultationFields.summary),
  planType: Type.Optional(consultationFields.planType),
  organiser: Type.Optional(consultationFields.organiser),
  startDate: consultationFields.startDate,
  endDate: consultationFields.endDate,
  documents: Type.Optional(consultationFields.documents),
  geojson: consultationFields.geojson,
  srid: Type.Optional(consultationFields.srid),
});
export const ConsultationPatch = Type.Partial(NewConsultation);

export const at = {
  tags,
  summary:
    '规划一点通：点位查询 (the plan unit, land use, indicator limits, control lines, nearby facilities and parks, and open consultations at a point; public layers only)',
  querystring: Obj({
    lon: Num({ description: 'longitude, CGCS2000 degrees' }),
    lat: Num({ description: 'latitude, CGCS2000 degrees' }),
    radius: Type.Optional(
      Type.Number({
        minimum: 1,
        maximum: MAX_RADIUS_M,
        default: DEFAULT_RADIUS_M,
        description: '附近规划 radius in metres (default 1000 ≈ 15-minute walk)',
      }),
    ),
  }),
  response: { 200: PlaceAnswer, ...errors(400, 429) },
};

export const parcels = {
  tags,
  summary: '规划地块编码查询 (planned land-use parcels by code: exact, then prefix, then contains; public layers only)',
  querystring: Obj({
    q: Str({ minLength: 1, maxLength: 100, description: '地块编码 or part of it' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  }),
  response: { 200: List(ParcelHit), ...errors(400, 429) },
};

export const consultationAreas = {
  tags,
  summary: '征求意见范围 (areas of the plans under consultation as a GeoJSON FeatureCollection, EPSG:4490 lon/lat)',
  querystring: StateQuery,
  response: { 200: Obj({ type: Type.Literal('FeatureCollection'), features: List(ConsultationArea) }), ...errors(400, 429) },
};

export const listConsultations = {
  tags,
  summary: '征求意见的规划 (plans under public consultation, newest first; filter open / upcoming / closed)',
  querystring: StateQuery,
  response: { 200: List(ConsultationSummary), ...errors(400, 429) },
};

export const getConsultation = {
  tags,
  summary: '征求意见详情 (one consultation: area, documents and approved comments)',
  params: IdParams,
  response: { 200: ConsultationDetail, ...errors(400, 404, 429) },
};

export const submitComment = {
  tags,
  summary: '提交意见 (leave a comment on an open consultation; stored as pending until moderated)',
  params: IdParams,
  body: Obj({
    name: Type.Optional(Nullable(Str({ maxLength: 50, description: 'optional; shown with the comment once approved' }))),
    contact: Type.Optional(Nullable(Str({ maxLength: 100, description: 'optional; for the bureau only, never published' }))),
    text: Str({ description: `${COMMENT_MIN}–${COMMENT_MAX} characters` }),
  }),
  response: {
    201: Obj({ id: Int(), consultationId: Int(), status: CommentStatus, statusName: Str(), submittedOn: Str(), message: Str() }),
    ...errors(400, 404, 409, 429),
  },
};

export const createConsultation = {
  tags,
  summary: '发布征求意见 (publish a plan for public consultation)',
  body: NewConsultation,
  response: { 201: ConsultationDetail, ...errors(400, 401, 403, 413) },
};

export const updateConsultation = {
  tags,
  summary: '修改征求意见 (change a consultation: text, dates, documents or area)',
  params: IdParams,
  body: ConsultationPatch,
  response: { 200: ConsultationDetail, ...errors(400, 401, 403, 404, 413) },
};

export const deleteConsultation = {
  tags,
  summary: '删除征求意见 (delete a consultation published by mistake; refused once it has comments)',
  params: IdParams,
  response: { 200: Obj({ deleted: Int() }), ...errors(400, 401, 403, 404, 409) },
};

export const listComments = {
  tags,
  summary: '公众意见审核列表 (comments by status and consultation, oldest first, with contact details)',
  querystring: Obj({
    status: Type.Optional(CommentStatus),
    consultation: Type.Optional(Int({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  }),
  response: { 200: List(StaffComment), ...errors(400, 401, 403) },
};

export const moderateComment = {
  tags,
  summary: '审核公众意见 (approve a comment for publication, or reject it with a reason)',
  params: IdParams,
  body: Obj({ decision: Enum(['approved', 'rejected']), reason: Type.Optional(Str({ maxLength: 2000 })) }),
  response: { 200: StaffComment, ...errors(400, 401, 403, 404, 409) },
};
