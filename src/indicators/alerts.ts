// Alerts (预警): a compute run raises one per indicator, region and year whose assessment is yellow
// or red, updates its level on later runs and resolves it when the value is back to green or the
// target is gone. The responsible department acknowledges it and keeps notes. Every step is audited.
import type { Db, Queryable } from '../db/index.ts';
import type { User } from '../auth/types.ts';
import { appendAudit } from '../audit/audit.ts';
import { IllegalTransition, Invalid, NotFound } from '../errors.ts';
import * as repo from './alerts.repository.ts';
import type { Evaluated } from './evaluation.ts';
import type { IndicatorDef, Region } from './types.ts';

/** An alert as the API gives it: the stored row (camelCase names) with the indicator's name and unit. */
export interface Alert extends Pick<
  repo.AlertRow,
  'id' | 'indicator' | 'region' | 'year' | 'level' | 'reason' | 'value' | 'target' | 'assessment' | 'department' | 'status' | 'notes'
> {
  indicatorName: string | null;
  unit: string | null;
  regionName: string;
  targetYear: number | null;
  raisedOn: string;
  raisedRun: number | null;
  updatedRun: number | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  resolvedOn: string | null;
  webhookStatus: string | null;
  webhookAt: string | null;
}

export const toAlert = (r: repo.AlertRow, names: Map<string, { name: string; unit: string }>): Alert => ({
  id: r.id,
  indicator: r.indicator,
  indicatorName: names.get(r.indicator)?.name ?? null,
  unit: names.get(r.indicator)?.unit ?? null,
  region: r.region,
  regionName: r.region_name,
  year: r.year,
  level: r.level,
  reason: r.reason,
  value: r.value,
  target: r.target,
  targetYear: r.target_year,
  assessment: r.assessment,
  department: r.department,
  status: r.status,
  raisedOn: r.raised_on,
  raisedRun: r.raised_run,
  updatedRun: r.updated_run,
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: r.acknowledged_at,
  resolvedOn: r.resolved_on,
  webhookStatus: r.webhook_status,
  webhookAt: r.webhook_at,
  notes: r.notes,
});

/** The department answering for an indicator in a region: the district's branch bureau for districts. */
export function departmentFor(def: IndicatorDef, region: Region): string | null {
  if (region.level === 'city') return def.department ?? null;
  const short = region.name.replace(/(区|县|市)$/, '');
  return `市规划和自然资源局${short}分局${def.department ? `；${def.department.replace(/^市规划和自然资源局\s*/, '市局')}` : ''}`;
}

export interface AlertChange {
  id: number;
  change: 'raised' | 'escalated' | 'updated' | 'resolved';
  level: 'yellow' | 'red' | null;
}

/** Brings the alerts of one indicator/region/year in line with its assessment (inside the run's transaction). */
export async function syncAlert(
  tx: Queryable,
  def: IndicatorDef,
  region: Region,
  e: Evaluated,
  runId: number,
  today: string,
  actor: string,
): Promise<AlertChange | null> {
  const a = e.assessment;
  const open = await repo.openAlert(tx, def.code, region.code, e.year);
  if (a.status === 'assessed' && (a.level === 'yellow' || a.level === 'red')) {
    const input: repo.AlertInput = {
      indicator: def.code,
      region: region.code,
      regionName: region.name,
      year: e.year,
      level: a.level,
      reason: a.reason,
      value: a.compared,
      target: a.target?.value ?? null,
      targetYear: a.target?.year ?? null,
      assessment: {
        mode: a.mode,
        progress: a.progress,
        elapsed: a.elapsed,
        ratio: a.ratio,
        bands: a.bands,
        evaluatedOn: a.evaluatedOn,
        bound: a.target?.bound,
        hard: a.target?.hard,
      },
      department: departmentFor(def, region),
      today,
      runId,
    };
    if (!open) {
      const id = await repo.insertAlert(tx, input);
      await appendAudit(tx, { actor, action: 'indicators.alert.raise', entity: 'indicator_alert', entityId: id, after: input });
      return { id, change: 'raised', level: a.level };
    }
    if (open.level !== a.level || open.reason !== a.reason) {
      await repo.updateAlert(tx, open.id, input);
      const escalated = open.level === 'yellow' && a.level === 'red';
      await appendAudit(tx, {
        actor,
        action: escalated ? 'indicators.alert.escalate' : 'indicators.alert.update',
        entity: 'indicator_alert',
        entityId: open.id,
        before: { level: open.level, reason: open.reason },
        after: { level: a.level, reason: a.reason },
      });
      return { id: open.id, change: escalated ? 'escalated' : 'updated', level: a.level };
    }
    return null;
  }
  if (open && (a.level === 'green' || a.status === 'none')) {
    await repo.resolveAlert(tx, open.id, today, runId);
    await appendAudit(tx, {
      actor,
      action: 'indicators.alert.resolve',
      entity: 'indicator_alert',
      entityId: open.id,
      before: { level: open.level, status: open.status },
      after: { status: 'resolved', reason: a.reason },
    });
    return { id: open.id, change: 'resolved', level: null };
  }
  return null;
}

async function names(q: Queryable): Promise<Map<string, { name: string; unit: string }>> {
  return new Map((await repo.indicatorNames(q)).map((x) => [x.code, { name: x.name, unit: x.unit }]));
}

/** District officers see the alerts of their districts only. */
const scope = (u: User | undefined): string[] | null => (u && u.role === 'district' ? u.districts : null);

export async function listAlerts(
  q: Queryable,
  user: User | undefined,
  f: Omit<repo.AlertFilter, 'regions' | 'limit' | 'offset'> & { region?: string; limit?: number; offset?: number },
) {
  const s = scope(user);
  const regions = f.region ? (s ? s.filter((d) => d === f.region) : [f.region]) : s;
  const r = await repo.alerts(q, { ...f, regions, limit: Math.min(f.limit ?? 100, 1000), offset: f.offset ?? 0 });
  const n = await names(q);
  return { total: r.total, items: r.rows.map((x) => toAlert(x, n)) };
}

export async function getAlert(q: Queryable, id: number, user: User | undefined) {
  const r = await repo.alert(q, id);
  const s = scope(user);
  if (!r || (s && !s.includes(r.region))) throw new NotFound(`预警 #${id} 不存在 (no such alert)`);
  return {
    ...toAlert(r, await names(q)),
    noteList: (await repo.notes(q, id)).map((n) => ({ id: n.id, author: n.author, body: n.body, createdAt: n.created_at })),
  };
}

export async function acknowledgeAlert(db: Db, id: number, note: string | undefined, user: User) {
  await db.transaction(async (tx) => {
    const r = await repo.alert(tx, id, true);
    const s = scope(user);
    if (!r || (s && !s.includes(r.region))) throw new NotFound(`预警 #${id} 不存在 (no such alert)`);
    if (r.status !== 'open')
      throw new IllegalTransition(
        `预警 #${id} 当前为「${r.status === 'acknowledged' ? '已确认' : '已解除'}」，只能确认待处理的预警 (only open alerts can be acknowledged)`,
      );
    await repo.acknowledge(tx, id, user.username);
    const nid = note?.trim() ? await repo.addNote(tx, id, user.username, note.trim()) : null;
    await appendAudit(tx, {
      actor: user.username,
      action: 'indicators.alert.acknowledge',
      entity: 'indicator_alert',
      entityId: id,
      before: { status: r.status },
      after: { status: 'acknowledged', noteId: nid, note: note?.trim() || null },
    });
  });
  return getAlert(db, id, user);
}

export async function addAlertNote(db: Db, id: number, body: string, user: User) {
  const text = body.trim();
  if (!text || text.length > 2000) throw new Invalid('body: 备注为 1–2000 字 (a note of 1 to 2000 characters)');
  await db.transaction(async (tx) => {
    const r = await repo.alert(tx, id, true);
    const s = scope(user);
    if (!r || (s && !s.includes(r.region))) throw new NotFound(`预警 #${id} 不存在 (no such alert)`);
    const nid = await repo.addNote(tx, id, user.username, text);
    await appendAudit(tx, {
      actor: user.username,
      action: 'indicators.alert.note',
      entity: 'indicator_alert',
      entityId: id,
      after: { noteId: nid, body: text },
    });
  });
  return getAlert(db, id, user);
}
