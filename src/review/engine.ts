// The "3+X" machine review (机审): one project boundary against every rule of a rule set that
// applies to its type. Each layer's overlap is computed once (one SQL statement for all layers);
// rule kinds turn it into findings; the run is frozen with the input, its hash, the rule-set and
// layer versions, the user and the time (domain.md §4).
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/index.ts';
import { m2ToMu } from '../area/units.ts';
import { appendAudit } from '../audit/audit.ts';
import { Invalid, NotFound } from '../errors.ts';
import * as repo from './review.repository.ts';
import type { LayerStateRow } from './review.repository.ts';
import { currentRuleSet, ruleSetVersion } from './ruleset.ts';
import { ruleKind } from './rules/registry.ts';
import { areaText, finding, type RuleContext, type Subject } from './rules/context.ts';
import type { Finding, ReviewResult, RuleDef, SchemeIndicators, Tolerance, Verdict } from './types.ts';
import type { BoundarySource, ProjectParcel } from './input.ts';

export interface ReviewInput {
  parcels: ProjectParcel[];
  /** Where the boundary's coordinates came from; kept in the run as project.source. */
  source?: BoundarySource;
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

const INDICATOR_NAMES: (keyof SchemeIndicators)[] = ['far', 'height', 'density', 'greenRatio', 'groundElevation'];

export function checkIndicators(ind: Record<string, unknown> = {}): SchemeIndicators {
  const out: SchemeIndicators = {};
  for (const [k, v] of Object.entries(ind)) {
    if (v === undefined || v === null) continue;
    if (!INDICATOR_NAMES.includes(k as keyof SchemeIndicators))
      throw new Invalid(`未知方案指标 "${k}" (unknown scheme indicator; known: ${INDICATOR_NAMES.join(', ')})`);
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n) || (k !== 'groundElevation' && n < 0))
      throw new Invalid(`方案指标 ${k} 须为非负数 (scheme indicator ${k} must be a non-negative number, got ${JSON.stringify(v)})`);
    if ((k === 'density' || k === 'greenRatio') && n > 100)
      throw new Invalid(`方案指标 ${k} 为百分比 0–100 (scheme indicator ${k} is a percentage, got ${n})`);
    out[k as keyof SchemeIndicators] = n;
  }
  return out;
}

const RANK: Record<Verdict, number> = { pass: 0, 'no-data': 1, warn: 1, fail: 2 };

export function overallVerdict(findings: { verdict: Verdict }[]): 'pass' | 'warn' | 'fail' {
  const worst = Math.max(0, ...findings.map((f) => RANK[f.verdict]));
  return worst === 2 ? 'fail' : worst === 1 ? 'warn' : 'pass';
}

/** Everything the rule evaluator needs: the rules, the subject(s) and what the rules read. */
export interface EvaluationInput {
  /** The rules to evaluate, in order (already chosen for the project type). */
  rules: RuleDef[];
  /** The project boundary the rules read. */
  subject: Subject;
  /** Another subject for some rules (land consolidation: the 整治区 for coverage rules). */
  subjectFor?: (rule: RuleDef) => Subject;
  project: RuleContext['project'];
  tolerance: Tolerance;
  /** Declared figures for rule kinds that read them (consolidation-ratio). */
  facts?: Record<string, number | boolean | null | undefined>;
}

export interface Evaluation {
  /** One finding per rule, in rule order. */
  findings: Finding[];
  /** The state of every layer a rule named (by code), as read for the main subject. */
  layers: Map<string, LayerStateRow>;
}

const layersOf = (rules: RuleDef[]) => {
  const codes = new Set<string>();
  for (const r of rules) {
    codes.add(r.layer);
    if (typeof r.runwayLayer === 'string') codes.add(r.runwayLayer);
    // A setback's band is cut by the layers it names as already counted: read at this run's versions, and recorded.
    if (Array.isArray(r.countedLayers)) for (const c of r.countedLayers) if (typeof c === 'string') codes.add(c);
  }
  return [...codes];
};

const hasData = (l: LayerStateRow | undefined): l is LayerStateRow =>
  !!l && l.version !== null && l.feature_count > 0 && l.coverage !== 'none';

/**
 * The rule evaluator of the review (decision 0007: one rule loop): each rule of `rules` over its
 * subject, through the registry of rule kinds. Each layer's overlap with a subject is computed
 * once for all rules that read it. A rule whose layer has no data here gives no-data (无数据 ≠ 无冲突),
 * never a pass; a rule kind that reads only figures (needsLayerData false) runs without its
 * layer's data; a layer whose declared coverage holds only part of the subject turns a pass into
 * a warning naming the uncovered area. Rules run concurrently; findings keep the rule order.
 */
export async function evaluateRules(q: Queryable, input: EvaluationInput): Promise<Evaluation> {
  const subjectOf = (r: RuleDef) => input.subjectFor?.(r) ?? input.subject;
  const groups = new Map<string, { subject: Subject; rules: RuleDef[] }>();
  for (const r of input.rules) {
    const s = subjectOf(r);
    (groups.get(s.ewkb) ?? groups.set(s.ewkb, { subject: s, rules: [] }).get(s.ewkb)!).rules.push(r);
  }
  const prepared = new Map<string, { states: Map<string, LayerStateRow>; byLayer: Map<number, repo.OverlapRow[]> }>();
  for (const [key, g] of groups) {
    const states = new Map((await repo.layerStates(q, layersOf(g.rules), g.subject.ewkb)).map((l) => [l.code, l]));
    const overlapLayers = [
      ...new Set(g.rules.filter((r) => ruleKind(r.kind)?.usesOverlap && hasData(states.get(r.layer))).map((r) => r.layer)),
    ].map((c) => ({ id: states.get(c)!.id, version: states.get(c)!.version! }));
    const byLayer = new Map<number, repo.OverlapRow[]>();
    for (const r of await repo.overlaps(q, g.subject.ewkb, overlapLayers, g.subject.planarSrid))
      (byLayer.get(r.layer_id) ?? byLayer.set(r.layer_id, []).get(r.layer_id)!).push(r);
    prepared.set(key, { states, byLayer });
  }
  const findings = await Promise.all(
    input.rules.map(async (rule) => {
      const subject = subjectOf(rule);
      const { states, byLayer } = prepared.get(subject.ewkb)!;
      const layer = states.get(rule.layer);
      const base = { q, subject, project: input.project, tolerance: input.tolerance, layers: states, facts: input.facts };
      const kind = ruleKind(rule.kind);
      if (!kind) return noData(base, rule, layer, `规则类型 ${rule.kind} 未注册 (unknown rule kind)`);
      const needsData = kind.needsLayerData !== false;
      if (needsData && !hasData(layer)) return noData(base, rule, layer);
      const l = layer ?? stubLayer(rule);
      const ctx: RuleContext = { ...base, layer: { ...l, version: l.version ?? 0 }, overlap: byLayer.get(l.id) ?? [] };
      const f = await kind.evaluate(ctx, rule);
      if (needsData && l.coverage === 'partial') {
        f.details.noDataAreaM2 = l.outside_coverage_m2;
        f.message += `；项目有 ${areaText(l.outside_coverage_m2)} 位于该图层数据范围之外，该部分无数据`;
        if (f.verdict === 'pass') f.verdict = 'warn';
      }
      return f;
    }),
  );
  const main =
    prepared.get(input.subject.ewkb)?.states ??
    new Map((await repo.layerStates(q, layersOf(input.rules), input.subject.ewkb)).map((l) => [l.code, l]));
  return { findings, layers: main };
}

const stubLayer = (rule: RuleDef): LayerStateRow => ({
  id: -1,
  code: rule.layer,
  name_zh: rule.layer,
  legal_basis: null,
  version: null,
  feature_count: 0,
  coverage: 'none',
  outside_coverage_m2: 0,
  attr_schema: null,
});

function noData(ctx: Omit<RuleContext, 'layer' | 'overlap'>, rule: RuleDef, layer: LayerStateRow | undefined, reason?: string): Finding {
  const l = layer ?? stubLayer(rule);
  const why =
    reason ??
    (!layer
      ? `目录中没有图层 ${rule.layer}`
      : l.version === null || l.feature_count === 0
        ? `${l.name_zh}图层暂无数据`
        : `项目位于${l.name_zh}数据范围之外`);
  return finding({ ...ctx, layer: { ...l, version: l.version ?? 0 }, overlap: [] }, rule, {
    verdict: 'no-data',
    message: `${why}，无法判断是否冲突（无数据 ≠ 无冲突），须人工核查`,
    details: {
      reason: reason
        ? 'unknown-kind'
        : !layer
          ? 'unknown-layer'
          : l.version === null || l.feature_count === 0
            ? 'empty-layer'
            : 'outside-coverage',
    },
  });
}

/** The machine review of one project: evaluated, frozen as a run (with the audit entry) and returned. */
export async function runReview(db: Db, input: ReviewInput): Promise<ReviewResult> {
  const t0 = performance.now();
  if (input.parcels.length === 0) throw new Invalid('没有项目红线 (no project boundary given)', { code: 'boundary_missing' });
  const rs = input.rulesetVersion
    ? await ruleSetVersion(db, input.ruleset ?? 'default', input.rulesetVersion)
    : await currentRuleSet(db, input.ruleset ?? 'default');
  const def = rs.definition;
  const type = def.projectTypes.find((t) => t.code === input.type);
  if (!type)
    throw new Invalid(
      `未知项目类型 (unknown project type "${input.type}"); known: ${def.projectTypes.map((t) => `${t.code}（${t.name}）`).join(', ')}`,
      { code: 'unknown_project_type' },
    );
  const indicators = checkIndicators(input.indicators as Record<string, unknown>);
  const user = input.user ?? 'anonymous';

  const s = await repo.prepareSubject(db, input.parcels);
  if (s.invalid_reason)
    throw new Invalid(
      `合并后的项目红线不是有效面 (the project boundary is not a valid polygon after merging its parcels): ${s.invalid_reason}`,
      {
        code: 'invalid_geometry',
      },
    );
  if (!(s.area_m2 > 0)) throw new Invalid('项目红线面积为 0 (the project boundary has no area)', { code: 'invalid_geometry' });
  const subject = { ewkb: s.ewkb, areaM2: s.area_m2, planarM2: s.planar_m2, planarSrid: s.planar_srid };

  const rules = def.rules.filter((r) => !r.appliesTo || r.appliesTo.includes(input.type));
  const { findings, layers } = await evaluateRules(db, {
    rules,
    subject,
    project: { type: input.type, typeName: type.name, indicators },
    tolerance: def.tolerance,
  });
  if (input.geometry === false) for (const f of findings) f.geometry = null;

  const versions = {
    ruleset: { name: rs.name, version: rs.version },
    layers: Object.fromEntries(
      layersOf(rules)
        .sort()
        .map((c) => [c, layers.get(c)?.version ?? null]),
    ),
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
      ...(input.source ? { source: input.source } : {}),
    },
    findings,
    versions,
    tolerance: { areaM2: def.tolerance.areaM2, percent: def.tolerance.percent },
    createdBy: user,
  };
  const durationMs = performance.now() - t0;
  return await db.transaction(async (tx) => {
    const r = await repo.insertRun(tx, {
      caseId: result.caseId,
      projectName: result.project.name,
      projectType: input.type,
      indicators: indicators as Record<string, number>,
      ewkb: s.ewkb,
      hash,
      areaM2: s.area_m2,
      planarM2: s.planar_m2,
      ruleset: versions.ruleset,
      layerVersions: versions.layers,
      verdict,
      durationMs,
      createdBy: user,
    });
    const full: ReviewResult = { runId: r.id, ...result, createdAt: r.created_at, durationMs };
    await repo.setRunResult(tx, full.runId, full);
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
        ...(input.source ? { crs: input.source.crs, from: input.source.from } : {}),
        verdict,
        versions,
        findings: findings.map((f) => ({ key: f.key, verdict: f.verdict, areaM2: f.overlapAreaM2 })),
      },
    });
    return full;
  });
}

export async function getRun(db: Queryable, id: number): Promise<ReviewResult> {
  const r = await repo.runResult<ReviewResult>(db, id);
  if (!r) throw new NotFound(`审查记录 ${id} 不存在 (review run ${id} does not exist)`);
  return r;
}

export interface RunComparison {
  a: { runId: number; createdAt: string; verdict: ReviewResult['verdict']; hash: string };
  b: { runId: number; createdAt: string; verdict: ReviewResult['verdict']; hash: string };
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
