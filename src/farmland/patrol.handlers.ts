// Handlers of patrol alerts and cases (/api/farmland/alerts, /api/farmland/cases…; routes:
// farmland.routes.ts): intake from cameras, remote sensing, drones and patrols (多违合一 on the same
// spot), the case board with its filters, overdue warnings, statistics, and the transitions of a case.
import { endpoint } from '../server/route.ts';
import { Forbidden, NotFound } from '../errors.ts';
import * as patrol from './patrol.ts';
import { scope } from './http.ts';
import * as s from './patrol.schemas.ts';

export const intake = endpoint(s.intake, async (req, reply) => {
  const { db, config } = req.server.ctx;
  const r = await patrol.intakeAlert(db, config, req.body, req.user.username);
  return reply.code(r.outcome === 'duplicate' ? 200 : 201).send(r);
});

export const listCases = endpoint(s.listCases, async (req) => {
  const { db, config } = req.server.ctx;
  const sc = scope(req);
  const d = req.query.district;
  const districts = d ? (sc && !sc.includes(d) ? [] : [d]) : sc;
  return patrol.listCases(db, config.clock, {
    status: req.query.status?.split(',').filter(Boolean),
    source: req.query.source,
    overdue: req.query.overdue,
    limit: req.query.limit,
    districts,
  });
});

export const warnings = endpoint(s.warnings, async (req) => patrol.warnings(req.server.ctx.db, req.server.ctx.config.clock, scope(req)));

export const stats = endpoint(s.stats, async (req) => patrol.patrolStats(req.server.ctx.db, req.server.ctx.config.clock, scope(req)));

export const getCase = endpoint(s.getCase, async (req) => {
  const { db, config } = req.server.ctx;
  const c = await patrol.getCaseDetail(db, config.clock, req.params.id);
  const sc = scope(req);
  // Outside a district officer's districts the case does not exist for them.
  if (sc && (!c.district || !sc.includes(c.district)))
    throw new NotFound(`巡查案件 ${req.params.id} 不存在 (patrol case ${req.params.id} does not exist)`);
  return c;
});

export const act = endpoint(s.act, async (req) => {
  const { db, config } = req.server.ctx;
  const sc = scope(req);
  if (sc) {
    const c = await patrol.getCaseDetail(db, config.clock, req.params.id);
    if (!c.district || !sc.includes(c.district))
      throw new Forbidden(`案件 ${req.params.id} 不在你的辖区 (outside your districts)`, { code: 'outside_districts' });
  }
  return patrol.transition(db, config.clock, req.params.id, req.body, req.user.username);
});
