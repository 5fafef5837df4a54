// HTTP routes of indicators, monitoring and early warning (/api/indicators/…): the registry
// (指标模型), targets and statistics with XLSX/CSV import/export, the compute run, values with
// provenance, the dashboard, the map by district, the five-year evaluation, alerts with
// acknowledgement and notes, settings (bands, webhook) and the yearly check-up report as
// HTML/PDF/XLSX. Schemas in indicators.schemas.ts and views.schemas.ts.
//
// The default registry (default-indicators.json) is loaded by the first request that needs it, not
// at start, so a server on a read-only database still starts (registry.ts ensureDefaults).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import { withUpload } from '../server/upload.ts';
import { del, endpoint, get, mount, post, put, type Route } from '../server/route.ts';
import { ensureDefaults, getDefinition, kindDocs, listDefinitions, putDefinition, setEnabled } from './registry.ts';
import { deleteTarget, exportTargets, importTargets, listTargets, putTarget } from './targets.ts';
import { exportStatistics, importStatistics, listStatistics, putStatistics, statisticKinds } from './statistics.ts';
import { computeYear, listRuns } from './compute.ts';
import { dashboard, evaluationView, indicatorMap } from './dashboard.ts';
import { acknowledgeAlert, addAlertNote, getAlert, listAlerts } from './alerts.ts';
import { getSettings, putSettings } from './settings.ts';
import { deleteReported, listValues, putReported } from './values.ts';
import { reportContent } from './report/content.ts';
import { renderReportHtml } from './report/html.ts';
import { renderReportPdf } from './report/pdf.ts';
import { renderReportXlsx } from './report/xlsx.ts';
import * as s from './indicators.schemas.ts';
import * as v from './views.schemas.ts';

// Who may do what: every signed-in role reads; planners (and administrators) run the computation;
// administrators keep the registry, targets, statistics, reported figures and settings; the
// departments acknowledge alerts and add notes (district officers: their own districts).
export function indicatorsRoutes(app: FastifyInstance): void {
  const { limits } = app.ctx.config;
  const upload = { timeoutMs: limits.uploadTimeoutMs };
  const table: Route[] = [
    // the registry
    get('/api/indicators/kinds', 'staff', kinds),
    get('/api/indicators/definitions', 'staff', definitions),
    get('/api/indicators/definitions/:code', 'staff', definition),
    put('/api/indicators/definitions/:code', ['admin'], saveDefinition),

    // targets and statistics
    get('/api/indicators/targets', 'staff', targets),
    put('/api/indicators/targets', ['admin'], saveTarget),
    del('/api/indicators/targets/:indicator/:region/:year', ['admin'], removeTarget),
    post('/api/indicators/targets/import', ['admin'], importTargetFile, upload),
    get('/api/indicators/targets/export', 'staff', exportTargetFile),
    get('/api/indicators/statistics', 'staff', statistics),
    put('/api/indicators/statistics', ['admin'], saveStatistics),
    post('/api/indicators/statistics/import', ['admin'], importStatisticFile, upload),
    get('/api/indicators/statistics/export', 'staff', exportStatisticFile),

    // values and the compute run
    get('/api/indicators/values', 'staff', values),
    put('/api/indicators/values/reported', ['admin'], saveReported),
    del('/api/indicators/values/reported/:indicator/:region/:year', ['admin'], removeReported),
    post('/api/indicators/compute', ['planner'], compute),
    get('/api/indicators/runs', 'staff', runs),

    // what the pages read
    get('/api/indicators/dashboard', 'staff', dashboardView),
    get('/api/indicators/map', 'staff', mapView),
    get('/api/indicators/evaluation', 'staff', evaluation),

    // alerts
    get('/api/indicators/alerts', 'staff', alerts),
    get('/api/indicators/alerts/:id', 'staff', alert),
    post('/api/indicators/alerts/:id/acknowledge', 'staff', acknowledge),
    post('/api/indicators/alerts/:id/notes', 'staff', addNote),

    // settings
    get('/api/indicators/settings', ['admin'], settings),
    put('/api/indicators/settings/:key', ['admin'], saveSettings),

    // the yearly check-up report
    get('/api/indicators/reports/:year', 'staff', report),
    get('/api/indicators/reports/:year/html', 'staff', reportHtml),
    get('/api/indicators/reports/:year/pdf', 'staff', reportPdf),
    get('/api/indicators/reports/:year/xlsx', 'staff', reportXlsx),
  ];
  mount(app, table);
}

/** The application's context, once the default registry is loaded. */
async function ready(req: FastifyRequest) {
  const ctx = req.server.ctx;
  await ensureDefaults(ctx.db);
  return ctx;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const disposition = (name: string, inline = false) =>
  `${inline ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
const sendTable = (reply: FastifyReply, buf: Buffer, format: 'xlsx' | 'csv', base: string) =>
  reply
    .type(format === 'xlsx' ? XLSX : 'text/csv; charset=utf-8')
    .header('content-disposition', disposition(`${base}.${format}`))
    .send(buf);
const uploaded = <T>(req: FastifyRequest, use: (buf: Buffer, name: string) => Promise<T>) =>
  withUpload(req, async (u) => use(await readFile(u.path), u.name));

// ---- the registry ---------------------------------------------------------------------------

const kinds = endpoint(s.kinds, async (req) => {
  await ready(req);
  return { kinds: kindDocs(), statistics: statisticKinds() };
});

const definitions = endpoint(s.definitions, async (req) =>
  listDefinitions((await ready(req)).db, { enabledOnly: req.query.enabled ?? false }),
);

const definition = endpoint(s.definition, async (req) => getDefinition((await ready(req)).db, req.params.code));

// A whole definition (checked as a whole), or only { enabled } to switch an indicator on or off.
const saveDefinition = endpoint(s.putDefinition, async (req) => {
  const { db } = await ready(req);
  const { enabled, ...def } = req.body;
  if (Object.keys(def).length === 0 && enabled !== undefined) return setEnabled(db, req.params.code, enabled, req.user.username);
  return putDefinition(db, req.params.code, def, enabled, req.user.username);
});

// ---- targets and statistics -----------------------------------------------------------------

const targets = endpoint(s.targets, async (req) => listTargets((await ready(req)).db, req.query));

const saveTarget = endpoint(s.putTarget, async (req) => {
  const { db, config } = await ready(req);
  return putTarget(db, config.districts, req.body, req.user.username);
});

/** Deleting a target or a reported figure of an indicator, region and year answers with the key it deleted. */
const removeByKey = (schema: typeof s.deleteTarget, remove: typeof deleteTarget) =>
  endpoint(schema, async (req) => {
    const { db } = await ready(req);
    const { indicator, region, year } = req.params;
    await remove(db, indicator, region, year, req.user.username);
    return { deleted: { indicator, region, year } };
  });

const removeTarget = removeByKey(s.deleteTarget, deleteTarget);

const importTargetFile = endpoint(s.importTargets, async (req) => {
  const { db, config } = await ready(req);
  return uploaded(req, (buf, name) => importTargets(db, config.districts, buf, name, req.user.username));
});

const exportTargetFile = endpoint(s.exportTargets, async (req, reply) => {
  const { db } = await ready(req);
  const { format = 'xlsx', ...filter } = req.query;
  return sendTable(reply, await exportTargets(db, format, filter), format, 'indicator-targets');
});

const statistics = endpoint(s.statistics, async (req) => listStatistics((await ready(req)).db, req.query));

const saveStatistics = endpoint(s.putStatistics, async (req) => ({
  saved: await putStatistics((await ready(req)).db, req.body.items, req.user.username),
}));

const importStatisticFile = endpoint(s.importStatistics, async (req) => {
  const { db } = await ready(req);
  return { saved: await uploaded(req, (buf, name) => importStatistics(db, buf, name, req.user.username)) };
});

const exportStatisticFile = endpoint(s.exportStatistics, async (req, reply) => {
  const format = req.query.format ?? 'xlsx';
  return sendTable(reply, await exportStatistics((await ready(req)).db, format), format, 'indicator-statistics');
});

// ---- values and the compute run -------------------------------------------------------------

const values = endpoint(s.values, async (req) => listValues((await ready(req)).db, req.query));

const saveReported = endpoint(s.putReported, async (req) => {
  const { db, config } = await ready(req);
  return putReported(db, config.districts, req.body, req.user.username);
});

const removeReported = removeByKey(s.deleteReported, deleteReported);

const compute = endpoint(s.compute, async (req, reply) => {
  const { db, config } = await ready(req);
  const run = await computeYear(db, config, req.body.year, { indicators: req.body.indicators, user: req.user.username });
  return reply.code(201).send(run);
});

const runs = endpoint(s.runs, async (req) => listRuns((await ready(req)).db, req.query.limit ?? 50));

// ---- what the pages read --------------------------------------------------------------------

const dashboardView = endpoint(v.dashboard, async (req) => {
  const { db, config } = await ready(req);
  return dashboard(db, config, req.query);
});

const mapView = endpoint(v.map, async (req) => {
  const { db, config } = await ready(req);
  return indicatorMap(db, config, req.query);
});

const evaluation = endpoint(v.evaluation, async (req) => {
  const { db, config } = await ready(req);
  return evaluationView(db, config, req.query);
});

// ---- alerts ---------------------------------------------------------------------------------

const alerts = endpoint(v.alerts, async (req) => listAlerts((await ready(req)).db, req.user, req.query));

const alert = endpoint(v.alert, async (req) => getAlert(req.server.ctx.db, req.params.id, req.user));

const acknowledge = endpoint(v.acknowledge, async (req) => acknowledgeAlert(req.server.ctx.db, req.params.id, req.body?.note, req.user));

const addNote = endpoint(v.note, async (req, reply) =>
  reply.code(201).send(await addAlertNote(req.server.ctx.db, req.params.id, req.body.body, req.user)),
);

// ---- settings -------------------------------------------------------------------------------

const settings = endpoint(s.settings, async (req) => getSettings((await ready(req)).db));

const saveSettings = endpoint(s.putSettings, async (req) =>
  putSettings((await ready(req)).db, req.params.key, req.body, req.user.username),
);

// ---- the check-up report --------------------------------------------------------------------

const content = async (req: FastifyRequest, year: number) => {
  const { db, config } = await ready(req);
  return reportContent(db, config, year);
};

const report = endpoint(v.report, async (req) => content(req, req.params.year));

const reportHtml = endpoint(v.reportHtml, async (req, reply) =>
  reply.type('text/html; charset=utf-8').send(renderReportHtml(await content(req, req.params.year))),
);

const reportPdf = endpoint(v.reportPdf, async (req, reply) => {
  const pdf = await renderReportPdf(await content(req, req.params.year));
  return reply
    .type('application/pdf')
    .header('content-disposition', disposition(`体检评估报告-${req.params.year}.pdf`, true))
    .send(pdf);
});

const reportXlsx = endpoint(v.reportXlsx, async (req, reply) => {
  const x = await renderReportXlsx(await content(req, req.params.year));
  return reply
    .type(XLSX)
    .header('content-disposition', disposition(`体检评估报告-${req.params.year}.xlsx`))
    .send(x);
});
