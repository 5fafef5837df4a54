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

export interface ChainCheck {
  rows: number;
  /** The newest row's id and hash (hex): record them elsewhere to detect a cut tail later. */
  headId: number | null;
  headHash: string | null;
  /** The first row whose link or content does not match, or null when the chain is intact. */
  broken: { id: number; at: string; actor: string; action: string; reason: 'link' | 'content' } | null;
}

/** Recomputes the hash chain (migration 009) over the whole trail, in id order. */
export async function verifyChain(q: Queryable): Promise<ChainCheck> {
  const r = await q.query<{
    rows: number;
    head_id: number | null;
    head_hash: string | null;
    bad_id: number | null;
    bad_at: string | null;
    bad_actor: string | null;
    bad_action: string | null;
    bad_link: boolean | null;
  }>(
    `WITH c AS (
       SELECT id, at, actor, action,
              prev_hash IS DISTINCT FROM lag(hash) OVER (ORDER BY id) AS bad_link,
              hash IS DISTINCT FROM onemap_audit_hash(prev_hash, id, at, actor, action, entity, entity_id, before, after) AS bad_content,
              hash
         FROM audit_log),
     bad AS (SELECT * FROM c WHERE bad_link OR bad_content ORDER BY id LIMIT 1),
     head AS (SELECT id, hash FROM c ORDER BY id DESC LIMIT 1)
     SELECT (SELECT count(*)::int FROM c) AS rows,
            (SELECT id FROM head) AS head_id, (SELECT encode(hash, 'hex') FROM head) AS head_hash,
            bad.id AS bad_id, to_char(bad.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS bad_at,
            bad.actor AS bad_actor, bad.action AS bad_action, bad.bad_link
       FROM (SELECT 1) one LEFT JOIN bad ON true`,
  );
  // One row always (aggregates over a one-row left join): none would be a lost result.
  if (r.rows.length !== 1) throw new Error(`audit verify: expected one row, got ${r.rows.length}`);
  const x = r.rows[0];
  return {
    rows: x.rows,
    headId: x.head_id,
    headHash: x.head_hash,
    broken:
      x.bad_id === null
        ? null
        : { id: x.bad_id, at: x.bad_at!, actor: x.bad_actor!, action: x.bad_action!, reason: x.bad_link ? 'link' : 'content' },
  };
}
