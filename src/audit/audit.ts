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
  await q.query(
    `INSERT INTO audit_log (actor, action, entity, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6)`,
    [e.actor, e.action, e.entity, e.entityId == null ? null : String(e.entityId), json(e.before), json(e.after)],
  );
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
