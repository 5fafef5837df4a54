// The audit trail (GB/T 39972-2021 全过程自动强制留痕, domain.md §1): every write appends who /
// when / what / before / after inside the same transaction as the write itself, so a write that
// rolls back leaves no entry and a write that lands always has one. The table refuses UPDATE,
// DELETE and TRUNCATE (migration 002).
import type { Queryable } from '../db/index.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
}

export async function appendAudit(q: Queryable, e: AuditEntry): Promise<void> {
  await q.query(`INSERT INTO audit_log (actor, action, entity, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6)`, [
    e.actor,
    e.action,
    e.entity,
    e.entityId == null ? null : String(e.entityId),
    json(e.before),
    json(e.after),
  ]);
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export async function auditFor(q: Queryable, entity: string, entityId: string | number): Promise<AuditRow[]> {
  return (
    await q.query<AuditRow>(
      `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, action, entity, entity_id, before, after
         FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id`,
      [entity, String(entityId)],
    )
  ).rows;
}

export interface AuditFilter {
  actor?: string;
  /** Exact action, or a prefix with a trailing * (case.*). */
  action?: string;
  entity?: string;
  entityId?: string;
  from?: string;
  to?: string;
}

/** Entries matching the filter, newest first, below `beforeId` when paging. */
export async function searchAudit(q: Queryable, f: AuditFilter, page: { limit: number; beforeId?: number }): Promise<AuditRow[]> {
  const prefix = f.action?.endsWith('*') ? f.action.slice(0, -1) : null;
  return (
    await q.query<AuditRow>(
      `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, action, entity, entity_id, before, after
       FROM audit_log
      WHERE ($1::text IS NULL OR actor = $1)
        AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR starts_with(action, $3))
        AND ($4::text IS NULL OR entity = $4) AND ($5::text IS NULL OR entity_id = $5)
        AND ($6::timestamptz IS NULL OR at >= $6) AND ($7::timestamptz IS NULL OR at < $7)
        AND ($8::bigint IS NULL OR id < $8)
      ORDER BY id DESC LIMIT $9`,
      [
        f.actor ?? null,
        prefix === null ? (f.action ?? null) : null,
        prefix,
        f.entity ?? null,
        f.entityId ?? null,
        f.from ?? null,
        f.to ?? null,
        page.beforeId ?? null,
        page.limit,
      ],
    )
  ).rows;
}
