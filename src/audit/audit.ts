// The audit trail (GB/T 39972-2021 全过程自动强制留痕, domain.md §1): every write appends who /
// when / what / before / after inside the same transaction as the write itself, so a write that
// rolls back leaves no entry and a write that lands always has one. The table refuses UPDATE,
// DELETE and TRUNCATE (migration 002). SQL in audit.repository.ts.
import type { Queryable } from '../db/index.ts';
import * as repo from './audit.repository.ts';

export type { AuditRow } from './audit.repository.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export async function appendAudit(q: Queryable, e: AuditEntry): Promise<void> {
  await repo.insert(q, {
    actor: e.actor,
    action: e.action,
    entity: e.entity,
    entityId: e.entityId == null ? null : String(e.entityId),
    before: json(e.before),
    after: json(e.after),
  });
}

export async function auditFor(q: Queryable, entity: string, entityId: string | number): Promise<repo.AuditRow[]> {
  return repo.forEntity(q, entity, String(entityId));
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
export async function searchAudit(q: Queryable, f: AuditFilter, page: { limit: number; beforeId?: number }): Promise<repo.AuditRow[]> {
  const prefix = f.action?.endsWith('*') ? f.action.slice(0, -1) : null;
  return repo.search(q, {
    actor: f.actor ?? null,
    action: prefix === null ? (f.action ?? null) : null,
    actionPrefix: prefix,
    entity: f.entity ?? null,
    entityId: f.entityId ?? null,
    from: f.from ?? null,
    to: f.to ?? null,
    beforeId: page.beforeId ?? null,
    limit: page.limit,
  });
}

export type { ChainCheck } from './audit.repository.ts';

/** Recomputes the trail's hash chain: the first row edited, inserted or removed behind the triggers. */
export async function verifyAudit(q: Queryable): Promise<repo.ChainCheck> {
  return repo.verifyChain(q);
}
