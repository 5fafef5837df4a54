// HTTP routes of 规划一点通 (the public portal, domain.md §11). Reads and comment submission are
// public (anonymous callers are rate-limited by auth/guard.ts); planners and administrators
// manage consultations and moderate comments. Place search is /api/search (already public-scoped).
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { allowed } from '../auth/guard.ts';
import { errorSchema } from '../server/errors.ts';
import { placeAt, searchParcels, DEFAULT_RADIUS_M, MAX_RADIUS_M } from './place.service.ts';
import {
  listConsultations,
  getConsultation,
  consultationAreas,
  createConsultation,
  updateConsultation,
  deleteConsultation,
  submitComment,
  listComments,
  moderateComment,
  COMMENT_MIN,
  COMMENT_MAX,
  type ConsultationInput,
  type ConsultationState,
  type CommentStatus,
} from './consultation.service.ts';

/** Who manages consultations and moderates comments (编制 staff publish the plans they make). */
const MODERATE = ['planner'] as const;

const loose = { type: 'object', additionalProperties: true } as const;
const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const intOrNull = { type: ['integer', 'null'] } as const;
const num = { type: 'number' } as const;
const numOrNull = { type: ['number', 'null'] } as const;
const nums = { type: 'array', items: num } as const;
const err = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

const attribute = { type: 'object', properties: { field: str, label: str, value: { description: 'attribute value (any JSON)' } } } as const;
const indicator = {
  type: 'object',
  properties: { field: str, label: str, value: num, unit: str, kind: { type: 'string', enum: ['max', 'min'] } },
} as const;
const placeFeature = {
  layer: str,
  layerName: str,
  legalBasis: strOrNull,
  fid: str,
  label: str,
  attributes: { type: 'array', items: attribute },
  areaM2: numOrNull,
  areaMu: numOrNull,
} as const;
const documents = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['title'],
    properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, url: { type: 'string', maxLength: 1000 } },
  },
} as const;
const stateEnum = { type: 'string', enum: ['upcoming', 'open', 'closed'] } as const;
const consultationProps = {
  id: int,
  title: str,
  summary: str,
  planType: strOrNull,
  organiser: strOrNull,
  startDate: str,
  endDate: str,
  state: stateEnum,
  stateName: str,
  daysLeft: intOrNull,
  documents,
  bbox: { ...nums, description: 'minLon, minLat, maxLon, maxLat (CGCS2000)' },
  areaM2: { ...num, description: '椭球面积 m²' },
  areaMu: num,
  approvedComments: int,
  // Present for planners and administrators only.
  pendingComments: int,
  rejectedComments: int,
  createdBy: str,
  createdAt: str,
  updatedAt: str,
} as const;
const consultationSummary = { type: 'object', properties: consultationProps } as const;
const publicComment = { type: 'object', properties: { id: int, name: strOrNull, text: str, submittedOn: str } } as const;
const consultationDetail = {
  type: 'object',
  properties: {
    ...consultationProps,
    geometry: { ...loose, description: 'GeoJSON MultiPolygon, EPSG:4490 lon/lat' },
    comments: { type: 'array', items: publicComment, description: 'approved comments only' },
  },
} as const;
const commentStatus = { type: 'string', enum: ['pending', 'approved', 'rejected'] } as const;
const staffComment = {
  type: 'object',
  properties: {
    id: int,
    consultationId: int,
    consultationTitle: str,
    name: strOrNull,
    contact: strOrNull,
    text: str,
    status: commentStatus,
    statusName: str,
    submittedOn: str,
    createdAt: str,
    moderatedBy: strOrNull,
    moderatedAt: strOrNull,
    reason: strOrNull,
  },
} as const;
const placeSchema = {
  type: 'object',
  description: '规划一点通：点位适用的规划与管控 (what the public plans say about a point)',
  properties: {
    point: nums,
    district: { type: ['object', 'null'], properties: { code: str, name: str } },
    unit: {
      type: ['object', 'null'],
      description: '详细规划单元 (XXGHDY) and its indicator limits',
      properties: { ...placeFeature, indicators: { type: 'array', items: indicator } },
    },
    landUse: {
      type: ['object', 'null'],
      description: "规划用地 (GHYD): class and the indicator limits that apply (its own, else the unit's)",
      properties: {
        ...placeFeature,
        code: strOrNull,
        name: strOrNull,
        indicators: { type: 'array', items: indicator },
        indicatorSource: strOrNull,
      },
    },
    controls: {
      type: 'array',
      items: { type: 'object', properties: placeFeature },
      description: 'public control lines (管控) containing the point, with legal basis',
    },
    nearby: {
      type: 'object',
      properties: {
        radiusM: num,
        facilities: {
          type: 'array',
          items: {
            type: 'object',
            properties: { fid: str, name: str, type: strOrNull, typeCode: strOrNull, distanceM: num, lon: num, lat: num },
          },
        },
        parks: {
          type: 'array',
          items: {
            type: 'object',
            properties: { fid: str, name: str, type: strOrNull, distanceM: num, areaM2: numOrNull, areaMu: numOrNull, lon: num, lat: num },
          },
        },
      },
    },
    consultations: { type: 'array', items: consultationSummary },
    versions: { type: 'object', additionalProperties: { type: 'integer' } },
  },
} as const;
const consultationBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    summary: { type: 'string', maxLength: 10000 },
    planType: { type: ['string', 'null'], maxLength: 100 },
    organiser: { type: ['string', 'null'], maxLength: 200 },
    startDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    endDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    documents,
    geojson: {
      description:
        '公示范围: GeoJSON Polygon/MultiPolygon, Feature or FeatureCollection; lon/lat CGCS2000 unless a crs member or srid says otherwise',
    },
    srid: { type: 'integer', description: 'source CRS when the GeoJSON does not say (e.g. 4549)' },
  },
} as const;

export function portalRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const moderator = (u: Parameters<typeof allowed>[0]) => allowed(u, MODERATE);

  app.get<{ Querystring: { lon: number; lat: number; radius?: number } }>(
    '/api/portal/at',
    {
      config: { access: 'public' },
      schema: {
        tags: ['portal'],
        summary:
          '规划一点通：点位查询 (the plan unit, land use, indicator limits, control lines, nearby facilities and parks, and open consultations at a point; public layers only)',
        querystring: {
          type: 'object',
          required: ['lon', 'lat'],
          additionalProperties: false,
          properties: {
            lon: { type: 'number', description: 'longitude, CGCS2000 degrees' },
            lat: { type: 'number', description: 'latitude, CGCS2000 degrees' },
            radius: {
              type: 'number',
              minimum: 1,
              maximum: MAX_RADIUS_M,
              default: DEFAULT_RADIUS_M,
              description: '附近规划 radius in metres (default 1000 ≈ 15-minute walk)',
            },
          },
        },
        response: { 200: placeSchema, ...err(400, 429) },
      },
    },
    async (req) => placeAt(db, config, req.query.lon, req.query.lat, req.query.radius ?? DEFAULT_RADIUS_M),
  );

  app.get<{ Querystring: { q: string; limit?: number } }>(
    '/api/portal/parcels',
    {
      config: { access: 'public' },
      schema: {
        tags: ['portal'],
        summary: '规划地块编码查询 (planned land-use parcels by code: exact, then prefix, then contains; public layers only)',
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 100, description: '地块编码 or part of it' },
            limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
          },
        },
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                layer: str,
                layerName: str,
                fid: str,
                label: str,
                bbox: { ...nums, description: 'minLon, minLat, maxLon, maxLat (CGCS2000)' },
                center: { ...nums, description: 'a point inside the parcel (lon, lat)' },
              },
            },
          },
          ...err(400, 429),
        },
      },
    },
    async (req) => searchParcels(db, req.query.q, req.query.limit ?? 10),
  );

  app.get<{ Querystring: { state?: ConsultationState; limit?: number } }>(
    '/api/portal/consultation-areas',
    {
      config: { access: 'public' },
      schema: {
        tags: ['portal'],
        summary: '征求意见范围 (areas of the plans under consultation as a GeoJSON FeatureCollection, EPSG:4490 lon/lat)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { state: stateEnum, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              type: { type: 'string', enum: ['FeatureCollection'] },
              features: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    type: { type: 'string', enum: ['Feature'] },
                    id: int,
                    geometry: { ...loose, description: 'GeoJSON MultiPolygon' },
                    properties: {
                      type: 'object',
                      properties: {
                        id: int,
                        title: str,
                        state: stateEnum,
                        stateName: str,
                        daysLeft: intOrNull,
                        startDate: str,
                        endDate: str,
                      },
                    },
                  },
                },
              },
            },
          },
          ...err(400, 429),
        },
      },
    },
    async (req) => consultationAreas(db, config.clock, req.query),
  );

  app.get<{ Querystring: { state?: ConsultationState; limit?: number } }>(
    '/api/portal/consultations',
    {
      config: { access: 'public' },
      schema: {
        tags: ['portal'],
        summary: '征求意见的规划 (plans under public consultation, newest first; filter open / upcoming / closed)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { state: stateEnum, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
        },
        response: { 200: { type: 'array', items: consultationSummary }, ...err(400, 429) },
      },
    },
    async (req) => listConsultations(db, config.clock, req.query, moderator(req.user)),
  );

  app.get<{ Params: { id: number } }>(
    '/api/portal/consultations/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['portal'],
        summary: '征求意见详情 (one consultation: area, documents and approved comments)',
        params: idParam,
        response: { 200: consultationDetail, ...err(400, 404, 429) },
      },
    },
    async (req) => getConsultation(db, config.clock, req.params.id, moderator(req.user)),
  );

  app.post<{ Params: { id: number }; Body: { name?: string | null; contact?: string | null; text: string } }>(
    '/api/portal/consultations/:id/comments',
    {
      config: { access: 'public' },
      schema: {
        tags: ['portal'],
        summary: '提交意见 (leave a comment on an open consultation; stored as pending until moderated)',
        params: idParam,
        body: {
          type: 'object',
          required: ['text'],
          additionalProperties: false,
          properties: {
            name: { type: ['string', 'null'], maxLength: 50, description: 'optional; shown with the comment once approved' },
            contact: { type: ['string', 'null'], maxLength: 100, description: 'optional; for the bureau only, never published' },
            text: { type: 'string', description: `${COMMENT_MIN}–${COMMENT_MAX} characters` },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: { id: int, consultationId: int, status: commentStatus, statusName: str, submittedOn: str, message: str },
          },
          ...err(400, 404, 409, 429),
        },
      },
    },
    async (req, reply) => reply.code(201).send(await submitComment(db, config.clock, req.params.id, req.body, req.user.username)),
  );

  // Staff: consultations and moderation -------------------------------------------------------
  app.post<{ Body: ConsultationInput }>(
    '/api/portal/consultations',
    {
      config: { access: MODERATE },
      schema: {
        tags: ['portal'],
        summary: '发布征求意见 (publish a plan for public consultation)',
        body: { ...consultationBody, required: ['title', 'startDate', 'endDate', 'geojson'] },
        response: { 201: consultationDetail, ...err(400, 401, 403, 413) },
      },
    },
    async (req, reply) => reply.code(201).send(await createConsultation(db, config, req.body, req.user.username)),
  );

  app.patch<{ Params: { id: number }; Body: ConsultationInput }>(
    '/api/portal/consultations/:id',
    {
      config: { access: MODERATE },
      schema: {
        tags: ['portal'],
        summary: '修改征求意见 (change a consultation: text, dates, documents or area)',
        params: idParam,
        body: consultationBody,
        response: { 200: consultationDetail, ...err(400, 401, 403, 404, 413) },
      },
    },
    async (req) => updateConsultation(db, config, req.params.id, req.body, req.user.username),
  );

  app.delete<{ Params: { id: number } }>(
    '/api/portal/consultations/:id',
    {
      config: { access: MODERATE },
      schema: {
        tags: ['portal'],
        summary: '删除征求意见 (delete a consultation published by mistake; refused once it has comments)',
        params: idParam,
        response: { 200: { type: 'object', properties: { deleted: int } }, ...err(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      await deleteConsultation(db, req.params.id, req.user.username);
      return { deleted: req.params.id };
    },
  );

  app.get<{ Querystring: { status?: CommentStatus; consultation?: number; limit?: number; offset?: number } }>(
    '/api/portal/comments',
    {
      config: { access: MODERATE },
      schema: {
        tags: ['portal'],
        summary: '公众意见审核列表 (comments by status and consultation, oldest first, with contact details)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: commentStatus,
            consultation: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        response: { 200: { type: 'array', items: staffComment }, ...err(400, 401, 403) },
      },
    },
    async (req) =>
      listComments(db, {
        status: req.query.status,
        consultationId: req.query.consultation,
        limit: req.query.limit,
        offset: req.query.offset,
      }),
  );

  app.post<{ Params: { id: number }; Body: { decision: 'approved' | 'rejected'; reason?: string } }>(
    '/api/portal/comments/:id/moderation',
    {
      config: { access: MODERATE },
      schema: {
        tags: ['portal'],
        summary: '审核公众意见 (approve a comment for publication, or reject it with a reason)',
        params: idParam,
        body: {
          type: 'object',
          required: ['decision'],
          additionalProperties: false,
          properties: { decision: { type: 'string', enum: ['approved', 'rejected'] }, reason: { type: 'string', maxLength: 2000 } },
        },
        response: { 200: staffComment, ...err(400, 401, 403, 404, 409) },
      },
    },
    async (req) => moderateComment(db, req.params.id, req.body, req.user.username),
  );
}
