// The audit trail for administrators: browse with filters, export as CSV or JSON lines. There is
// no route that changes it; the table itself refuses UPDATE, DELETE and TRUNCATE (migration 002).
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import { searchAudit, type AuditFilter } from './audit.ts';
import { errorSchema } from '../server/errors.ts';

const filterSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    actor: { type: 'string', maxLength: 64 },
    action: { type: 'string', maxLength: 64, description: 'exact, or a prefix ending in * (e.g. case.*)' },
    entity: { type: 'string', maxLength: 64 },
    entityId: { type: 'string', maxLength: 200 },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    beforeId: { type: 'integer', minimum: 0 },
    format: { type: 'string', enum: ['csv', 'jsonl'] },
  },
} as const;
const entrySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    entity: { type: 'string' },
    entity_id: { type: ['string', 'null'] },
    before: {},
    after: {},
  },
} as const;

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // Quote always; neutralise spreadsheet formulas (CSV injection) by prefixing a quote mark.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
};

export function auditRoutes(app: FastifyInstance, db: Db): void {
  app.get<{ Querystring: AuditFilter & { limit?: number; beforeId?: number } }>(
    '/api/audit',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['audit'],
        summary: '审计日志 (the audit trail, newest first; page with beforeId = the last id, or use the export)',
        querystring: filterSchema,
        response: {
          200: { type: 'object', properties: { entries: { type: 'array', items: entrySchema }, next: { type: ['string', 'null'] } } },
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
        },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 100;
      const entries = await searchAudit(db, req.query, { limit, beforeId: req.query.beforeId });
      const last = entries.at(-1);
      const qs = new URLSearchParams(
        Object.entries({ ...req.query, beforeId: last?.id })
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, String(v)]),
      );
      return { entries, next: entries.length === limit && last ? `/api/audit?${qs}` : null };
    },
  );

  app.get<{ Querystring: AuditFilter & { format?: 'csv' | 'jsonl' } }>(
    '/api/audit/export',
    {
      config: { access: ['admin'], timeoutMs: 600_000 },
      schema: {
        tags: ['audit'],
        summary: '导出审计日志 (export as CSV for Excel — UTF-8 with BOM — or JSON lines)',
        querystring: filterSchema,
        response: {
          200: {
            description: 'CSV (UTF-8 with BOM) or JSON lines',
            content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } },
          },
          400: errorSchema,
          401: errorSchema,
          403: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const format = req.query.format ?? 'csv';
      const stamp = new Date().toISOString().slice(0, 10);
      reply.header('content-disposition', `attachment; filename="onemap-audit-${stamp}.${format === 'csv' ? 'csv' : 'jsonl'}"`);
      reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
      const lines: string[] = format === 'csv' ? ['\ufeff编号,时间(UTC),操作人,操作,对象,对象编号,修改前,修改后'] : [];
      let beforeId: number | undefined;
      // Pages of 5,000, oldest last, so memory stays flat however long the trail is.
      for (;;) {
        const page = await searchAudit(db, req.query, { limit: 5000, beforeId });
        for (const e of page) {
          lines.push(
            format === 'csv'
              ? [e.id, e.at, e.actor, e.action, e.entity, e.entity_id, e.before, e.after].map(csvCell).join(',')
              : JSON.stringify(e),
          );
        }
        if (page.length < 5000) break;
        beforeId = page[page.length - 1].id;
      }
      return lines.join('\n') + '\n';
    },
  );
}
