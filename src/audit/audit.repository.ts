// All SQL of the audit trail (audit_log, append-only: migration 002 refuses UPDATE, DELETE and TRUNCATE).
import type { Queryable } from '../db/index.ts';

export interface AuditRow {
  id: number;
  /** ISO 8601, UTC, milliseconds. */
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
}

const COLS = `id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, action, entity, entity_id, before, after`;

export async function insert(
  q: Queryable,
  e: { actor: string; action: string; entity: string; entityId: string | null; before: string | null; after: string | null },
): Promise<void> {
  await q.query(`INSERT INTO audit_log (actor, action, entity, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6)`, [
    e.actor,
    e.action,
    e.entity,
    e.entityId,
    e.before,
    e.after,
  ]);
}

export async function forEntity(q: Queryable, entity: string, entityId: string): Promise<AuditRow[]> {
  return (await q.query<AuditRow>(`SELECT ${COLS} FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY id`, [entity, entityId]))
    .rows;
}

export interface AuditQuery {
  actor: string | null;
  /** Exact action, or null. */
  action: string | null;
  /** Action prefix, or null. */
  actionPrefix: string | null;
  entity: string | null;
  entityId: string | null;
  from: string | null;
  to: string | null;
  beforeId: number | null;
  limit: number;
}

/** Entries matching the filter, newest first, below `beforeId` when paging. */
export async function search(q: Queryable, f: AuditQuery): Promise<AuditRow[]> {
  return (
    await q.query<AuditRow>(
      `SELECT ${COLS}
       FROM audit_log
      WHERE ($1::text IS NULL OR actor = $1)
        AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR starts_with(action, $3))
        AND ($4::text IS NULL OR entity = $4) AND ($5::text IS NULL OR entity_id = $5)
        AND ($6::timestamptz IS NULL OR at >= $6) AND ($7::timestamptz IS NULL OR at < $7)
        AND ($8::bigint IS NULL OR id < $8)
      ORDER BY id DESC LIMIT $9`,
      [f.actor, f.action, f.actionPrefix, f.entity, f.entityId, f.from, f.to, f.beforeId, f.limit],
    )
  ).rows;
}
