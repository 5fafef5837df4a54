// Handlers of the land code register (土地码) and the pages' reference data (routes:
// lifecycle.routes.ts; schemas: lifecycle.schemas.ts).
import { endpoint } from '../server/route.ts';
import { registerParcel as register, recordEvent as record, getParcel, getTimeline, listParcels as parcels } from './landcode.ts';
import { districtList } from './rules.ts';
import { assertDistrict } from './machine.ts';
import * as s from './lifecycle.schemas.ts';

export const listParcels = endpoint(s.listParcels, async (req) => parcels(req.server.ctx.db, req.user, req.query));

export const registerParcel = endpoint(s.registerParcel, async (req, reply) => {
  const { db, config } = req.server.ctx;
  return reply.code(201).send(await register(db, config.clock, req.body, req.user, config.districts));
});

export const parcel = endpoint(s.parcel, async (req) => {
  const p = await getParcel(req.server.ctx.db, req.params.landCode);
  assertDistrict(req.user, p.district, `土地码 ${p.landCode}`);
  return p;
});

export const timeline = endpoint(s.timeline, async (req) => {
  const t = await getTimeline(req.server.ctx.db, req.params.landCode);
  assertDistrict(req.user, t.parcel.district, `土地码 ${t.parcel.landCode}`);
  return t;
});

export const recordEvent = endpoint(s.recordEvent, async (req, reply) => {
  const { db, config } = req.server.ctx;
  return reply.code(201).send(await record(db, config.clock, req.params.landCode, req.body, req.user));
});

export const context = endpoint(s.context, async (req) => {
  const { db, config } = req.server.ctx;
  return { today: config.clock.today(), districts: await districtList(db, config.districts) };
});
