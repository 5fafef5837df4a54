// The "3+X" machine review (机审): one project boundary against every rule of a rule set that
// applies to its type. Each layer's overlap is computed once (one SQL statement for all layers);
// rule kinds turn it into findings; the run is frozen with the input, its hash, the rule-set and
// layer versions, the user and the time (domain.md §4).
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/index.ts';
import { m2ToMu } from '../area/units.ts';
import { appendAudit } from '../audit/audit.ts';
import * as repo from './review.repository.ts';
import { currentRuleSet, ruleSetVersion, type RuleDef } from './ruleset.ts';
import { ruleKind } from './rules/registry.ts';
import { areaText, finding, type RuleContext } from './rules/context.ts';
import type { Finding, ReviewResult, SchemeIndicators, Verdict } from './types.ts';
import type { ProjectParcel } from './input.ts';

export interface ReviewInput {
  parcels: ProjectParcel[];
  name?: string;
  type: string;
  indicators?: SchemeIndicators;
  user?: string;
  caseId?: number | null;
  ruleset?: string;
  /** Pin a rule-set version (re-running an old review exactly); default the newest. */
  rulesetVersion?: number;
  /** Leave out overlap geometries from the result (large batch checks). */
  geometry?: boolean;
}

export class ReviewInputError extends Error {
  statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'ReviewInputError';
  }
}

const INDICATOR_NAMES: (keyof SchemeIndicators)[] = ['far', 'height', 'density', 'greenRatio', 'groundElevation'];

export function checkIndicators(ind: Record<string, unknown> = {}): SchemeIndicators {
  const out: SchemeIndicators = {};
  for (const [k, v] of Object.entries(ind)) {
    if (v === undefined || v === null) continue;
    if (!INDICATOR_NAMES.includes(k as keyof SchemeIndicators))
      throw new ReviewInputError(`unknown scheme indicator "${k}" (known: ${INDICATOR_NAMES.join(', ')})`);
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n) || (k !== 'groundElevation' && n < 0))
      throw new ReviewInputError(`scheme indicator ${k} must be a non-negative number, got ${JSON.stringify(v)}`);
    if ((k === 'density' || k === 'greenRatio') && n > 100)
      throw new ReviewInputError(`scheme indicator ${k} is a percentage (0–100), got ${n}`);
    out[k as keyof SchemeIndicators] = n;
  }
  return out;
}

const RANK: Record<Verdict, number> = { pass: 0, 'no-data': 1, warn: 1, fail: 2 };

export function overallVerdict(findings: { verdict: Verdict }[]): 'pass' | 'warn' | 'fail' {
  const worst = Math.max(0, ...findings.map((f) => RANK[f.verdict]));
  return worst === 2 ? 'fail' : worst === 1 ? 'warn' : 'pass';
}

export async function runReview(db: Db, input: ReviewInput): Promise<ReviewResult> {
  const t0 = performance.now();
  if (input.parcels.length === 0) throw new ReviewInputError('no project boundary given (没有项目红线)');
  const rs = input.rulesetVersion
    ? await ruleSetVersion(db, input.ruleset ?? 'default', input.rulesetVersion)
    : await currentRuleSet(db, input.ruleset ?? 'default');
  const def = rs.definition;
  const type = def.projectTypes.find((t) => t.code === input.type);
  if (!type)
    throw new ReviewInputError(
      `unknown project type "${input.type}"; known: ${def.projectTypes.map((t) => `${t.code}（${t.name}）`).join(', ')}`,
    );
  const indicators = checkIndicators(input.indicators as Record<string, unknown>);
  const user = input.user ?? 'anonymous';

  const s = await repo.prepareSubject(db, input.parcels);
  if (s.invalid_reason)
    throw new ReviewInputError(`the project boundary is not a valid polygon after merging its parcels: ${s.invalid_reason}`);
  if (!(s.area_m2 > 0)) throw new ReviewInputError('the project boundary has no area');
  const subject = { ewkb: s.ewkb, areaM2: s.area_m2, planarM2: s.planar_m2, planarSrid: s.planar_srid };

  const rules = def.rules.filter((r) => !r.appliesTo || r.appliesTo.includes(input.type));
  const codes = new Set<string>();
  for (const r of rules) {
    codes.add(r.layer);
    if (typeof r.runwayLayer === 'string') codes.add(r.runwayLayer);
  }
  const states = new Map((await repo.layerStates(db, [...codes], subject.ewkb)).map((l) => [l.code, l]));
  const hasData = (code: string) => {
    const l = states.get(code);
    return !!l && l.version !== null && l.feature_count > 0 && l.coverage !== 'none';
  };
  const overlapLayers = [...new Set(rules.filter((r) => ruleKind(r.kind)?.usesOverlap && hasData(r.layer)).map((r) => r.layer))].map(
    (c) => ({ id: states.get(c)!.id, version: states.get(c)!.version! }),
  );
  const overlapRows = await repo.overlaps(db, subject.ewkb, overlapLayers, subject.planarSrid);
  const byLayer = new Map<number, repo.OverlapRow[]>();
  for (const r of overlapRows) (byLayer.get(r.layer_id) ?? byLayer.set(r.layer_id, []).get(r.layer_id)!).push(r);

  const project = { type: input.type, typeName: type.name, indicators };
  // Rules are independent: on a server pool their statements (setbacks, outside parts, runway
  // referral) run concurrently; PGlite serialises them. Findings keep the rule-set order.
  const findings: Finding[] = await Promise.all(
    rules.map(async (rule) => {
      const layer = states.get(rule.layer);
      const ctxBase = { q: db as Queryable, subject, project, tolerance: def.tolerance, layers: states };
      if (!layer || !hasData(rule.layer)) return noData(ctxBase, rule, layer);
      const ctx: RuleContext = { ...ctxBase, layer: { ...layer, version: layer.version! }, overlap: byLayer.get(layer.id) ?? [] };
      const f = await ruleKind(rule.kind)!.evaluate(ctx, rule);
      if (layer.coverage === 'partial') {
        f.details.noDataAreaM2 = layer.outside_coverage_m2;
        f.message += `；项目有 ${areaText(layer.outside_coverage_m2)} 位于该图层数据范围之外，该部分无数据`;
        if (f.verdict === 'pass') f.verdict = 'warn';
      }
      return f;
    }),
  );
  if (input.geometry === false) for (const f of findings) f.geometry = null;

  const versions = {
    ruleset: { name: rs.name, version: rs.version },
    layers: Object.fromEntries([...codes].sort().map((c) => [c, states.get(c)?.version ?? null])),
  };
  const verdict = overallVerdict(findings);
  const hash = createHash('sha256').update(Buffer.from(s.ewkb, 'hex')).digest('hex');
  const result: Omit<ReviewResult, 'runId' | 'createdAt' | 'durationMs'> = {
    caseId: input.caseId ?? null,
    verdict,
    project: {
      name: input.name ?? '未命名项目',
      type: input.type,
      typeName: type.name,
      indicators,
      parcelCount: input.parcels.length,
      parcels: s.parcels.map((p) => ({ fid: p.fid, areaM2: p.area_m2, planarM2: p.planar_m2 })),
      areaM2: s.area_m2,
      areaPlanarM2: s.planar_m2,
      areaMu: m2ToMu(s.area_m2),
      geometry: JSON.parse(s.geojson),
      bbox: [s.xmin, s.ymin, s.xmax, s.ymax],
      hash,
    },
    findings,
    versions,
    tolerance: { areaM2: def.tolerance.areaM2, percent: def.tolerance.percent },
    createdBy: user,
  };
  const durationMs = performance.now() - t0;
  return await db.transaction(async (tx) => {
    const r = await tx.query<{ id: number; created_at: string }>(
      `INSERT INTO review_run (case_id, project_name, project_type, indicators, geom, geom_hash, area_m2, planar_m2, ruleset_name, ruleset_version,
                               layer_versions, verdict, result, duration_ms, created_by)
       VALUES ($1, $2, $3, $4, ST_GeomFromEWKB(decode($5, 'hex')), $6, $7, $8, $9, $10, $11, $12, '{}', $13, $14)
       RETURNING id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`,
      [
        result.caseId,
        result.project.name,
        input.type,
        JSON.stringify(indicators),
        s.ewkb,
        hash,
        s.area_m2,
        s.planar_m2,
        rs.name,
        rs.version,
        JSON.stringify(versions.layers),
        verdict,
        durationMs,
        user,
      ],
    );
    const full: ReviewResult = { runId: r.rows[0].id, ...result, createdAt: r.rows[0].created_at, durationMs };
    await tx.query(`UPDATE review_run SET result = $2 WHERE id = $1`, [full.runId, JSON.stringify(full)]);
    await appendAudit(tx, {
      actor: user,
      action: 'review.run',
      entity: 'review_run',
      entityId: full.runId,
      after: {
        caseId: full.caseId,
        project: full.project.name,
        type: input.type,
        hash,
        verdict,
        versions,
        findings: findings.map((f) => ({ key: f.key, verdict: f.verdict, areaM2: f.overlapAreaM2 })),
      },
    });
    return full;
  });
}

function noData(ctx: Omit<RuleContext, 'layer' | 'overlap'>, rule: RuleDef, layer: repo.LayerStateRow | undefined): Finding {
  const l = layer ?? {
    id: -1,
    code: rule.layer,
    name_zh: rule.layer,
    legal_basis: null,
    version: null,
    feature_count: 0,
    coverage: 'none' as const,
    outside_coverage_m2: 0,
  };
  const why = !layer
    ? `目录中没有图层 ${rule.layer}`
    : l.version === null || l.feature_count === 0
      ? `${l.name_zh}图层暂无数据`
      : `项目位于${l.name_zh}数据范围之外`;
  return finding({ ...ctx, layer: { ...l, version: l.version ?? 0 }, overlap: [] } as RuleContext, rule, {
    verdict: 'no-data',
    message: `${why}，无法判断是否冲突（无数据 ≠ 无冲突），须人工核查`,
    details: { reason: !layer ? 'unknown-layer' : l.version === null || l.feature_count === 0 ? 'empty-layer' : 'outside-coverage' },
  });
}

export async function getRun(db: Queryable, id: number): Promise<ReviewResult> {
  const r = await db.query<{ result: ReviewResult }>(`SELECT result FROM review_run WHERE id = $1`, [id]);
  if (r.rowCount === 0) throw Object.assign(new Error(`review run ${id} does not exist (审查记录不存在)`), { statusCode: 404 });
  return r.rows[0].result;
}

export interface RunComparison {
  a: { runId: number; createdAt: string; verdict: string; hash: string };
  b: { runId: number; createdAt: string; verdict: string; hash: string };
  sameBoundary: boolean;
  ruleset: { a: string; b: string; changed: boolean };
  layerVersions: { layer: string; a: number | null; b: number | null }[];
  findings: {
    key: string;
    title: string;
    layer: string;
    verdictA: Verdict | null;
    verdictB: Verdict | null;
    areaA: number | null;
    areaB: number | null;
    deltaM2: number | null;
    changed: boolean;
  }[];
}

/** What changed between two runs (e.g. the same boundary re-run after a control line was updated). */
export async function compareRuns(db: Queryable, aId: number, bId: number): Promise<RunComparison> {
  const a = await getRun(db, aId);
  const b = await getRun(db, bId);
  const layers = [...new Set([...Object.keys(a.versions.layers), ...Object.keys(b.versions.layers)])].sort();
  const fa = new Map(a.findings.map((f) => [f.key, f]));
  const fb = new Map(b.findings.map((f) => [f.key, f]));
  const keys = [...new Set([...fa.keys(), ...fb.keys()])];
  return {
    a: { runId: a.runId, createdAt: a.createdAt, verdict: a.verdict, hash: a.project.hash },
    b: { runId: b.runId, createdAt: b.createdAt, verdict: b.verdict, hash: b.project.hash },
    sameBoundary: a.project.hash === b.project.hash,
    ruleset: {
      a: `${a.versions.ruleset.name}@${a.versions.ruleset.version}`,
      b: `${b.versions.ruleset.name}@${b.versions.ruleset.version}`,
      changed: a.versions.ruleset.version !== b.versions.ruleset.version || a.versions.ruleset.name !== b.versions.ruleset.name,
    },
    layerVersions: layers
      .filter((l) => a.versions.layers[l] !== b.versions.layers[l])
      .map((l) => ({ layer: l, a: a.versions.layers[l] ?? null, b: b.versions.layers[l] ?? null })),
    findings: keys.map((k) => {
      const x = fa.get(k);
      const y = fb.get(k);
      const changed = !x || !y || x.verdict !== y.verdict || Math.abs(x.overlapAreaM2 - y.overlapAreaM2) > 1e-6;
      return {
        key: k,
        title: (x ?? y)!.title,
        layer: (x ?? y)!.layer,
        verdictA: x?.verdict ?? null,
        verdictB: y?.verdict ?? null,
        areaA: x?.overlapAreaM2 ?? null,
        areaB: y?.overlapAreaM2 ?? null,
        deltaM2: x && y ? y.overlapAreaM2 - x.overlapAreaM2 : null,
        changed,
      };
    }),
  };
}

export const verdictZh: Record<Verdict, string> = { pass: '通过', warn: '提示', fail: '不通过', 'no-data': '无数据' };
