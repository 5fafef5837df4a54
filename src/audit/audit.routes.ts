// The audit trail for administrators: browse with filters, export as CSV or JSON lines. There is
// no route that changes it; the table itself refuses UPDATE, DELETE and TRUNCATE (migration 002).
import type { FastifyInstance } from 'fastify';
import { endpoint, get, mount, type Route } from '../server/route.ts';
import { searchAudit } from './audit.ts';
import * as s from './audit.schemas.ts';

export function auditRoutes(app: FastifyInstance): void {
  const table: Route[] = [
    get('/api/audit', ['admin'], browse),
    // Ten minutes: the whole trail, page by page, however long it is.
    get('/api/audit/export', ['admin'], exportTrail, { timeoutMs: 600_000 }),
  ];
  mount(app, table);
}

const PAGE = 100;
const EXPORT_PAGE = 5000;

const browse = endpoint(s.browse, async (req) => {
  const limit = req.query.limit ?? PAGE;
  const entries = await searchAudit(req.server.ctx.db, req.query, { limit, beforeId: req.query.beforeId });
  const last = entries.at(-1);
  const qs = new URLSearchParams(
    Object.entries({ ...req.query, beforeId: last?.id })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  return { entries, next: entries.length === limit && last ? `/api/audit?${qs}` : null };
});

const csvCell = (v: unknown) => {
  const text = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // Quote always; neutralise spreadsheet formulas (CSV injection) by prefixing a quote mark.
  return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"`;
};

const exportTrail = endpoint(s.exportTrail, async (req, reply) => {
  const { format: fmt = 'csv', ...filter } = req.query;
  const stamp = new Date().toISOString().slice(0, 10);
  reply.header('content-disposition', `attachment; filename="onemap-audit-${stamp}.${fmt === 'csv' ? 'csv' : 'jsonl'}"`);
  reply.type(fmt === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
  const lines: string[] = fmt === 'csv' ? ['\ufeff编号,时间(UTC),操作人,操作,对象,对象编号,修改前,修改后'] : [];
  let beforeId: number | undefined;
  // Pages of 5,000, newest first, so memory for rows stays flat however long the trail is.
  for (;;) {
    const page = await searchAudit(req.server.ctx.db, filter, { limit: EXPORT_PAGE, beforeId });
    for (const e of page) {
      lines.push(
        fmt === 'csv'
          ? [e.id, e.at, e.actor, e.action, e.entity, e.entity_id, e.before, e.after].map(csvCell).join(',')
          : JSON.stringify(e),
      );
    }
    if (page.length < EXPORT_PAGE) break;
    beforeId = page[page.length - 1].id;
  }
  return lines.join('\n') + '\n';
});
