// Stored values: both sources of every indicator/region/year with provenance, and the reported
// figures (上报值) an administrator enters for years the store cannot compute (official figures of
// past years, e.g. seed 000's 2025 figures). A reported figure takes precedence over a computed one.
import type { Db, Queryable } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { Invalid, NotFound } from '../errors.ts';
import type { DistrictLayer } from '../config.ts';
import * as repo from './indicators.repository.ts';
import { knownRegions } from './regions.ts';

export async function listValues(q: Queryable, f: { year?: number; region?: string; indicator?: string }) {
  return (
    await repo.values(q, {
      years: f.year ? [f.year] : null,
      regions: f.region ? [f.region] : null,
      indicators: f.indicator ? [f.indicator] : null,
    })
  ).map((r) => ({
    indicator: r.indicator,
    region: r.region,
    year: r.year,
    source: r.source,
    value: r.value,
    note: r.note,
    provenance: r.provenance,
    runId: r.run_id,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  }));
}

export async function putReported(
  db: Db,
  districts: DistrictLayer,
  v: { indicator: string; region: string; year: number; value: number; note: string },
  user: string,
) {
  const problems: string[] = [];
  await db.transaction(async (tx) => {
    if (!(await repo.def(tx, v.indicator))) problems.push(`indicator: 指标 ${v.indicator} 不在指标模型中`);
    if (!(await knownRegions(tx, districts)).has(v.region)) problems.push(`region: 未知地区 ${v.region}`);
    if (!Number.isFinite(v.value)) problems.push('value: 须为数字');
    if (!v.note?.trim()) problems.push('note: 请注明上报来源 (the document the figure comes from)');
    if (problems.length)
      throw new Invalid(`上报值无效 (invalid reported value): ${problems.join('; ')}`, { code: 'invalid_value', problems });
    const before =
      (await repo.values(tx, { indicators: [v.indicator], regions: [v.region], years: [v.year] })).find((r) => r.source === 'reported') ??
      null;
    await repo.upsertValue(tx, {
      indicator: v.indicator,
      region: v.region,
      year: v.year,
      source: 'reported',
      value: v.value,
      note: v.note.trim(),
      provenance: { reported: v.note.trim(), by: user },
      runId: null,
      user,
    });
    await appendAudit(tx, {
      actor: user,
      action: 'indicators.value.report',
      entity: 'indicator_value',
      entityId: `${v.indicator}/${v.region}/${v.year}`,
      before: before && { value: before.value, note: before.note },
      after: { value: v.value, note: v.note.trim() },
    });
  });
  return (await listValues(db, { indicator: v.indicator, region: v.region, year: v.year })).find((r) => r.source === 'reported');
}

export async function deleteReported(db: Db, indicator: string, region: string, year: number, user: string) {
  await db.transaction(async (tx) => {
    const before = (await repo.values(tx, { indicators: [indicator], regions: [region], years: [year] })).find(
      (r) => r.source === 'reported',
    );
    if (!before) throw new NotFound(`没有 ${indicator} 在 ${region} 的 ${year} 年上报值 (no such reported value)`);
    await repo.deleteValue(tx, indicator, region, year, 'reported');
    await appendAudit(tx, {
      actor: user,
      action: 'indicators.value.unreport',
      entity: 'indicator_value',
      entityId: `${indicator}/${region}/${year}`,
      before: { value: before.value, note: before.note },
      after: null,
    });
  });
}
