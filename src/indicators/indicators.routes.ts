// HTTP routes of indicators, monitoring and early warning (/api/indicators/…): the registry
// (指标模型), targets and statistics with XLSX/CSV import/export, the compute run, values with
// provenance, the dashboard, the map by district, the five-year evaluation, alerts with
// acknowledgement and notes, settings (bands, webhook) and the yearly check-up report as
// HTML/PDF/XLSX. Schemas in indicators.schemas.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { HttpError } from '../server/errors.ts';
import { withUpload } from '../server/upload.ts';
import { readFile } from 'node:fs/promises';
import { ensureDefaults, getDefinition, kindDocs, listDefinitions, putDefinition, setEnabled } from './registry.ts';
import { deleteTarget, exportTargets, importTargets, listTargets, putTarget, type TargetBody } from './targets.ts';
import { exportStatistics, importStatistics, listStatistics, putStatistics, statisticKinds, type Statistic } from './statistics.ts';
import { computeYear, listRuns } from './compute.ts';
import { dashboard, evaluationView, indicatorMap } from './dashboard.ts';
import { acknowledgeAlert, addAlertNote, getAlert, listAlerts } from './alerts.ts';
import { getSettings, putSettings } from './settings.ts';
import { deleteReported, listValues, putReported } from './values.ts';
import { reportContent } from './report/content.ts';
import { renderReportHtml } from './report/html.ts';
import { renderReportPdf } from './report/pdf.ts';
import { renderReportXlsx } from './report/xlsx.ts';
import * as S from './indicators.schemas.ts';

// Who may do what: every signed-in role reads; planners (and administrators) run the computation;
// administrators keep the registry, targets, statistics, reported figures and settings; the
// departments acknowledge alerts and add notes (district officers: their own districts).
const READ = { access: 'staff' } as const;
const COMPUTE = { access: ['planner'] } as const;
const ADMIN = { access: ['admin'] } as const;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const disposition = (name: string, inline = false) =>
  `${inline ? 'inline' : 'attachment'}; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export function indicatorsRoutes(app: FastifyInstance, db: Db, config: Config): void {
  // The defaults are loaded on the first request (not at start, so a server with a read-only
  // database still starts); a failure is retried by the next request.
  let loading: Promise<void> | null = null;
  const ready = async () => {
    loading ??= ensureDefaults(db).catch((e) => {
      loading = null;
      throw e;
    });
    await loading;
  };
  const year = (v: unknown, name = 'year') => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1990 || n > 2100) throw new HttpError(400, `${name}: 须为 1990–2100 的年份 (got "${String(v)}")`);
    return n;
  };
  const sendTable = (reply: FastifyReply, buf: Buffer, format: 'xlsx' | 'csv', base: string) =>
    reply
      .type(format === 'xlsx' ? XLSX : 'text/csv; charset=utf-8')
      .header('content-disposition', disposition(`${base}.${format}`))
      .send(buf);
  const upload = <T>(req: FastifyRequest, use: (buf: Buffer, name: string) => Promise<T>) =>
    withUpload(req, async (u) => use(await readFile(u.path), u.name));

  // ---- registry -----------------------------------------------------------------------------
  app.get('/api/indicators/kinds', { config: READ, schema: S.kinds }, async () => {
    await ready();
    return { kinds: kindDocs(), statistics: statisticKinds() };
  });
  app.get<{ Querystring: { enabled?: boolean } }>('/api/indicators/definitions', { config: READ, schema: S.definitions }, async (req) => {
    await ready();
    return listDefinitions(db, { enabledOnly: req.query.enabled ?? false });
  });
  app.get<{ Params: { code: string } }>('/api/indicators/definitions/:code', { config: READ, schema: S.definition }, async (req) => {
    await ready();
    return getDefinition(db, req.params.code);
  });
  app.put<{ Params: { code: string }; Body: Record<string, unknown> & { enabled?: boolean } }>(
    '/api/indicators/definitions/:code',
    { config: ADMIN, schema: S.putDefinition },
    async (req) => {
      await ready();
      const { enabled, ...def } = req.body;
      if (Object.keys(def).length === 0 && enabled !== undefined) return setEnabled(db, req.params.code, enabled, req.user.username);
      return putDefinition(db, req.params.code, def, enabled, req.user.username);
    },
  );

  // ---- targets and statistics ---------------------------------------------------------------
  app.get<{ Querystring: { indicator?: string; region?: string; year?: number } }>(
    '/api/indicators/targets',
    { config: READ, schema: S.targets },
    async (req) => {
      await ready();
      return listTargets(db, req.query);
    },
  );
  app.put<{ Body: TargetBody }>('/api/indicators/targets', { config: ADMIN, schema: S.putTarget }, async (req) => {
    await ready();
    return putTarget(db, req.body, req.user.username);
  });
  app.delete<{ Params: { indicator: string; region: string; year: number } }>(
    '/api/indicators/targets/:indicator/:region/:year',
    { config: ADMIN, schema: S.deleteTarget },
    async (req, reply) => {
      await ready();
      await deleteTarget(db, req.params.indicator, req.params.region, req.params.year, req.user.username);
      return reply.send({ deleted: req.params });
    },
  );
  app.post(
    '/api/indicators/targets/import',
    {
      config: { ...ADMIN, timeoutMs: config.limits.uploadTimeoutMs },
      schema: S.importTable('目标值导入 (import targets from .xlsx or .csv; all or nothing)'),
    },
    async (req) => {
      await ready();
      return upload(req, (buf, name) => importTargets(db, buf, name, req.user.username));
    },
  );
  app.get<{ Querystring: { format?: 'xlsx' | 'csv'; indicator?: string; region?: string; year?: number } }>(
    '/api/indicators/targets/export',
    { config: READ, schema: S.exportTable('目标值导出 (targets as .xlsx or .csv)') },
    async (req, reply) => {
      await ready();
      const f = req.query.format ?? 'xlsx';
      return sendTable(reply, await exportTargets(db, f, req.query), f, 'indicator-targets');
    },
  );
  app.get<{ Querystring: { code?: string; region?: string; year?: number } }>(
    '/api/indicators/statistics',
    { config: READ, schema: S.statistics },
    async (req) => {
      await ready();
      return listStatistics(db, req.query);
    },
  );
  app.put<{ Body: { items: Statistic[] } }>('/api/indicators/statistics', { config: ADMIN, schema: S.putStatistics }, async (req) => {
    await ready();
    return { saved: await putStatistics(db, req.body.items, req.user.username) };
  });
  app.post(
    '/api/indicators/statistics/import',
    {
      config: { ...ADMIN, timeoutMs: config.limits.uploadTimeoutMs },
      schema: S.importTable('统计数导入 (import statistics such as GDP from .xlsx or .csv; all or nothing)'),
    },
    async (req) => {
      await ready();
      return { saved: await upload(req, (buf, name) => importStatistics(db, buf, name, req.user.username)) };
    },
  );
  app.get<{ Querystring: { format?: 'xlsx' | 'csv' } }>(
    '/api/indicators/statistics/export',
    { config: READ, schema: S.exportTable('统计数导出 (statistics as .xlsx or .csv)') },
    async (req, reply) => {
      await ready();
      const f = req.query.format ?? 'xlsx';
      return sendTable(reply, await exportStatistics(db, f), f, 'indicator-statistics');
    },
  );

  // ---- values and the compute run -----------------------------------------------------------
  app.get<{ Querystring: { year?: number; region?: string; indicator?: string } }>(
    '/api/indicators/values',
    { config: READ, schema: S.values },
    async (req) => {
      await ready();
      return listValues(db, req.query);
    },
  );
  app.put<{ Body: { indicator: string; region: string; year: number; value: number; note: string } }>(
    '/api/indicators/values/reported',
    { config: ADMIN, schema: S.putReported },
    async (req) => {
      await ready();
      return putReported(db, req.body, req.user.username);
    },
  );
  app.delete<{ Params: { indicator: string; region: string; year: number } }>(
    '/api/indicators/values/reported/:indicator/:region/:year',
    { config: ADMIN, schema: S.deleteReported },
    async (req, reply) => {
      await ready();
      await deleteReported(db, req.params.indicator, req.params.region, req.params.year, req.user.username);
      return reply.send({ deleted: req.params });
    },
  );
  app.post<{ Body: { year: number; indicators?: string[] } }>(
    '/api/indicators/compute',
    { config: COMPUTE, schema: S.compute },
    async (req, reply) => {
      await ready();
      return reply
        .code(201)
        .send(await computeYear(db, config, req.body.year, { indicators: req.body.indicators, user: req.user.username }));
    },
  );
  app.get<{ Querystring: { limit?: number } }>('/api/indicators/runs', { config: READ, schema: S.runs }, async (req) => {
    await ready();
    return listRuns(db, req.query.limit ?? 50);
  });

  // ---- pages' data --------------------------------------------------------------------------
  app.get<{ Querystring: { year?: number; region?: string } }>(
    '/api/indicators/dashboard',
    { config: READ, schema: S.dashboard },
    async (req) => {
      await ready();
      return dashboard(db, config, req.query);
    },
  );
  app.get<{ Querystring: { indicator: string; year?: number } }>('/api/indicators/map', { config: READ, schema: S.map }, async (req) => {
    await ready();
    return indicatorMap(db, config, req.query);
  });
  app.get<{ Querystring: { to?: number; span?: number; region?: string } }>(
    '/api/indicators/evaluation',
    { config: READ, schema: S.evaluation },
    async (req) => {
      await ready();
      return evaluationView(db, config, req.query);
    },
  );

  // ---- alerts -------------------------------------------------------------------------------
  app.get<{
    Querystring: { status?: string; level?: string; year?: number; indicator?: string; region?: string; limit?: number; offset?: number };
  }>('/api/indicators/alerts', { config: READ, schema: S.alerts }, async (req) => {
    await ready();
    return listAlerts(db, req.user, req.query);
  });
  app.get<{ Params: { id: number } }>('/api/indicators/alerts/:id', { config: READ, schema: S.alert }, async (req) =>
    getAlert(db, req.params.id, req.user),
  );
  app.post<{ Params: { id: number }; Body: { note?: string } }>(
    '/api/indicators/alerts/:id/acknowledge',
    { config: READ, schema: S.acknowledge },
    async (req) => acknowledgeAlert(db, req.params.id, req.body?.note, req.user),
  );
  app.post<{ Params: { id: number }; Body: { body: string } }>(
    '/api/indicators/alerts/:id/notes',
    { config: READ, schema: S.note },
    async (req, reply) => reply.code(201).send(await addAlertNote(db, req.params.id, req.body.body, req.user)),
  );

  // ---- settings -----------------------------------------------------------------------------
  app.get('/api/indicators/settings', { config: ADMIN, schema: S.settings }, async () => {
    await ready();
    return getSettings(db);
  });
  app.put<{ Params: { key: string }; Body: Record<string, unknown> }>(
    '/api/indicators/settings/:key',
    { config: ADMIN, schema: S.putSettings },
    async (req) => {
      await ready();
      return putSettings(db, req.params.key, req.body, req.user.username);
    },
  );

  // ---- the check-up report ------------------------------------------------------------------
  const content = async (y: unknown) => {
    await ready();
    return reportContent(db, config, year(y));
  };
  app.get<{ Params: { year: number } }>('/api/indicators/reports/:year', { config: READ, schema: S.report }, async (req) =>
    content(req.params.year),
  );
  app.get<{ Params: { year: number } }>(
    '/api/indicators/reports/:year/html',
    { config: READ, schema: S.reportFile('体检评估报告 HTML (the yearly check-up report as a printable page)', 'text/html') },
    async (req, reply) => reply.type('text/html; charset=utf-8').send(renderReportHtml(await content(req.params.year))),
  );
  app.get<{ Params: { year: number } }>(
    '/api/indicators/reports/:year/pdf',
    { config: READ, schema: S.reportFile('体检评估报告 PDF (the yearly check-up report as PDF)', 'application/pdf') },
    async (req, reply) => {
      const pdf = await renderReportPdf(await content(req.params.year));
      return reply
        .type('application/pdf')
        .header('content-disposition', disposition(`体检评估报告-${req.params.year}.pdf`, true))
        .send(pdf);
    },
  );
  app.get<{ Params: { year: number } }>(
    '/api/indicators/reports/:year/xlsx',
    { config: READ, schema: S.reportFile('体检评估报告 XLSX (the yearly check-up report as a workbook)', XLSX) },
    async (req, reply) => {
      const x = await renderReportXlsx(await content(req.params.year));
      return reply
        .type(XLSX)
        .header('content-disposition', disposition(`体检评估报告-${req.params.year}.xlsx`))
        .send(x);
    },
  );
}
