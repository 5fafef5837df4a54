// HTTP routes of 规划一点通 (the public portal, domain.md §11). Reads and comment submission are
// public (anonymous callers are rate-limited by auth/guard.ts); planners and administrators
// manage consultations and moderate comments. Place search is /api/search (already public-scoped).
import type { FastifyInstance } from 'fastify';
import { allowed } from '../auth/guard.ts';
import type { User } from '../auth/types.ts';
import { endpoint, del, get, mount, patch, post, type Route } from '../server/route.ts';
import { placeAt, searchParcels, DEFAULT_RADIUS_M } from './place.service.ts';
import * as consultations from './consultation.service.ts';
import * as s from './portal.schemas.ts';

/** Who manages consultations and moderates comments (编制 staff publish the plans they make). */
const MODERATE = ['planner'] as const;

export function portalRoutes(app: FastifyInstance): void {
  const table: Route[] = [
    get('/api/portal/at', 'public', at),
    get('/api/portal/parcels', 'public', parcels),
    get('/api/portal/consultation-areas', 'public', consultationAreas),
    get('/api/portal/consultations', 'public', listConsultations),
    get('/api/portal/consultations/:id', 'public', getConsultation),
    post('/api/portal/consultations/:id/comments', 'public', submitComment),

    // Staff: consultations and moderation.
    post('/api/portal/consultations', MODERATE, createConsultation),
    patch('/api/portal/consultations/:id', MODERATE, updateConsultation),
    del('/api/portal/consultations/:id', MODERATE, deleteConsultation),
    get('/api/portal/comments', MODERATE, listComments),
    post('/api/portal/comments/:id/moderation', MODERATE, moderateComment),
  ];
  mount(app, table);
}

/** Moderators also see the counts of pending and rejected comments. */
const moderator = (u: User) => allowed(u, MODERATE);

const at = endpoint(s.at, async (req) => {
  const { db, config } = req.server.ctx;
  return placeAt(db, config, req.query.lon, req.query.lat, req.query.radius ?? DEFAULT_RADIUS_M);
});

const parcels = endpoint(s.parcels, async (req) => searchParcels(req.server.ctx.db, req.query.q, req.query.limit ?? 10));

const consultationAreas = endpoint(s.consultationAreas, async (req) => {
  const { db, config } = req.server.ctx;
  return consultations.consultationAreas(db, config.clock, req.query);
});

const listConsultations = endpoint(s.listConsultations, async (req) => {
  const { db, config } = req.server.ctx;
  return consultations.listConsultations(db, config.clock, req.query, moderator(req.user));
});

const getConsultation = endpoint(s.getConsultation, async (req) => {
  const { db, config } = req.server.ctx;
  return consultations.getConsultation(db, config.clock, req.params.id, moderator(req.user));
});

const submitComment = endpoint(s.submitComment, async (req, reply) => {
  const { db, config } = req.server.ctx;
  return reply.code(201).send(await consultations.submitComment(db, config.clock, req.params.id, req.body, req.user.username, req.ip));
});

const createConsultation = endpoint(s.createConsultation, async (req, reply) => {
  const { db, config } = req.server.ctx;
  return reply.code(201).send(await consultations.createConsultation(db, config, req.body, req.user.username));
});

const updateConsultation = endpoint(s.updateConsultation, async (req) => {
  const { db, config } = req.server.ctx;
  return consultations.updateConsultation(db, config, req.params.id, req.body, req.user.username);
});

const deleteConsultation = endpoint(s.deleteConsultation, async (req) => {
  await consultations.deleteConsultation(req.server.ctx.db, req.params.id, req.user.username);
  return { deleted: req.params.id };
});

const listComments = endpoint(s.listComments, async (req) =>
  consultations.listComments(req.server.ctx.db, {
    status: req.query.status,
    consultationId: req.query.consultation,
    limit: req.query.limit,
    offset: req.query.offset,
  }),
);

const moderateComment = endpoint(s.moderateComment, async (req) =>
  consultations.moderateComment(req.server.ctx.db, req.params.id, req.body, req.user.username),
);
