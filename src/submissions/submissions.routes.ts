// HTTP routes of 成果提交: submit (planner, district officer, administrator), read, 入库 and 退回
// (administrators and planners, never on their own submission unless administrator), QC reports.
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, post, type Route } from '../server/route.ts';
import { withUpload, numberField, booleanField } from '../server/upload.ts';
import type { FastifyReply } from 'fastify';
import { QC_REPORT_TYPES, renderQcReport, type QcReportFormat } from '../qc/report-file.ts';
import type { QcReport } from '../qc/types.ts';
import * as svc from './submissions.service.ts';
import * as s from './submissions.schemas.ts';

export function submissionRoutes(app: FastifyInstance): void {
  const { limits } = app.ctx.config;
  const table: Route[] = [
    post('/api/layers/:code/submissions', ['planner', 'district'], submit, { timeoutMs: limits.uploadTimeoutMs }),
    get('/api/submissions', ['planner', 'district'], list),
    get('/api/submissions/:id', ['planner', 'district'], one),
    get('/api/submissions/:id/qc-report', ['planner', 'district'], qcReport),
    post('/api/submissions/:id/accept', ['planner'], accept, { timeoutMs: limits.uploadTimeoutMs }),
    post('/api/submissions/:id/return', ['planner'], giveBack),
    get('/api/layers/:code/versions/:version/qc-report', ['planner', 'reviewer'], versionQcReport, {
      timeoutMs: limits.uploadTimeoutMs,
    }),
  ];
  mount(app, table);
}

const submit = endpoint(s.submit, async (req, reply) => {
  const { db, config, gdal } = req.server.ctx;
  const r = await withUpload(req, async (u) => {
    const f = u.fields;
    return svc.submit(
      db,
      config,
      req.params.code,
      {
        path: u.path,
        name: u.name,
        note: f.note?.slice(0, 2000) || undefined,
        options: {
          encoding: f.encoding || undefined,
          srid: numberField(f, 'srid'),
          from: f.from || undefined,
          datumParams: f.datumParams?.slice(0, 400) || undefined,
          coordinateFrame: booleanField(f, 'coordinateFrame') || undefined,
          makeValid: booleanField(f, 'makeValid') || undefined,
          skipEmpty: booleanField(f, 'skipEmpty') || undefined,
          sourceLayer: f.sourceLayer || undefined,
          idField: f.idField?.slice(0, 64) || undefined,
        },
      },
      req.user,
      gdal,
    );
  });
  return reply.code(201).send(r as never);
});

const list = endpoint(s.list, async (req) => svc.list(req.server.ctx.db, req.user, req.query));

const one = endpoint(s.get, async (req) => (await svc.detail(req.server.ctx.db, req.user, req.params.id)) as never);

/** The report in the asked form; PDF and XLSX as downloads named after the layer (CST date). */
async function sendReport(reply: FastifyReply, r: QcReport, format: QcReportFormat = 'html', base: string) {
  const body = await renderQcReport(format, r);
  reply.type(QC_REPORT_TYPES[format]);
  if (format !== 'html') {
    const name = `${base}.${format}`;
    reply.header(
      'content-disposition',
      `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
  }
  return reply.send(body);
}

const qcReport = endpoint(s.qcReport, async (req, reply) => {
  const r = await svc.submissionQc(req.server.ctx.db, req.user, req.params.id);
  return sendReport(reply, r, req.query.format, `质检报告-${r.layer}-成果提交${req.params.id}`);
});

const accept = endpoint(s.accept, async (req) => {
  const { db, config, gdal } = req.server.ctx;
  return (await svc.accept(db, config, req.params.id, req.user, gdal)) as never;
});

const giveBack = endpoint(
  s.giveBack,
  async (req) => (await svc.giveBack(req.server.ctx.db, req.params.id, req.user, req.body.reason)) as never,
);

const versionQcReport = endpoint(s.versionQcReport, async (req, reply) => {
  const { db, config } = req.server.ctx;
  const r = await svc.versionQc(db, config, req.user, req.params.code, req.params.version);
  return sendReport(reply, r, req.query.format, `质检报告-${r.layer}-第${req.params.version}版`);
});
