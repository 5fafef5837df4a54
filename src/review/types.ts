// Shapes of the "3+X" review (domain.md §4). The JSON names of ReviewResult and Finding are a
// contract: `onemap review --json`, the REST API and other bureau systems read them.

/** pass 通过 · warn 提示 · fail 不通过 · no-data 无数据 (the layer has no data here: not "no conflict"). */
export type Verdict = 'pass' | 'warn' | 'fail' | 'no-data';

import type { Bureau } from '../config.ts';
export type { Bureau };

export type GeoJSONGeometry = { type: string; coordinates?: unknown; geometries?: unknown[] };

/** One feature of a control layer that the project touches. */
export interface FeatureHit {
  fid: string;
  props: Record<string, unknown>;
  overlapAreaM2: number; // ellipsoidal (椭球面积)
  overlapAreaPlanarM2: number; // Gauss-Krüger planar (投影面积)
  overlapAreaMu: number; // from overlapAreaM2
  /** Distance in metres, for setback rules (0 when overlapping). */
  distanceM?: number;
}

export interface Finding {
  /** Stable within a run: `${ruleId}:${layer}`. Human review refers to findings by key. */
  key: string;
  ruleId: string;
  /** Rule kind: forbidden-overlap, must-be-within, setback, attribute-condition, plan-indicators, airport-clearance. */
  rule: string;
  title: string; // Chinese title of the rule, e.g. 占用永久基本农田
  layer: string;
  layerName: string;
  layerVersion: number | null;
  verdict: Verdict;
  message: string; // Chinese sentence a reviewer reads
  legalBasis: string | null;
  overlapAreaM2: number;
  overlapAreaPlanarM2: number;
  overlapAreaMu: number;
  /** Share of the project's ellipsoidal area, 0–100. */
  overlapPercent: number;
  /** True when an overlap existed but was below the sliver tolerance and was not counted. */
  belowTolerance: boolean;
  features: FeatureHit[];
  /** The overlap (or, for must-be-within, the part outside) in EPSG:4490 lon/lat; null when none. */
  geometry: GeoJSONGeometry | null;
  /** Rule-specific figures: share outside, indicator comparisons, limit elevations … */
  details: Record<string, unknown>;
}

export interface ProjectFacts {
  name: string;
  type: string; // project type code, e.g. urban-construction
  typeName: string; // 城镇建设项目
  indicators: SchemeIndicators;
  parcelCount: number;
  parcels: { fid: string; areaM2: number; planarM2: number }[];
  areaM2: number;
  areaPlanarM2: number;
  areaMu: number;
  geometry: GeoJSONGeometry; // the boundary (MultiPolygon, EPSG:4490)
  bbox: [number, number, number, number];
  /** sha256 of the normalised input geometry (EWKB hex of the 4490 MultiPolygon). */
  hash: string;
  /** Where the boundary's coordinates came from (absent in runs from before it was recorded). */
  source?: { srid: number; crs: string; from: 'gcj02' | 'bd09' | null; warnings?: string[] };
}

export interface SchemeIndicators {
  far?: number; // 容积率
  height?: number; // 建筑高度 m
  density?: number; // 建筑密度 %
  greenRatio?: number; // 绿地率 %
  groundElevation?: number; // 场地地面高程 m (1985 国家高程基准), for airport clearance
}

export interface ReviewResult {
  runId: number;
  caseId: number | null;
  verdict: Exclude<Verdict, 'no-data'>;
  project: ProjectFacts;
  findings: Finding[];
  versions: {
    ruleset: { name: string; version: number };
    layers: Record<string, number | null>;
  };
  tolerance: { areaM2: number; percent: number };
  createdAt: string; // ISO
  createdBy: string;
  durationMs: number;
}

export type Decision = '通过' | '有条件通过' | '不通过';
export type FindingAction = 'confirm' | 'override' | 'false-positive';

/** A reviewer's latest word on one finding (人审). */
export interface FindingReview {
  findingKey: string;
  action: FindingAction;
  verdictBefore: Verdict;
  verdictAfter: Verdict;
  reason: string | null;
  by: string;
  at: string;
}

export interface TrailEntry {
  at: string;
  actor: string;
  /** The actor as people know them: 姓名（角色）. */
  actorName: string;
  action: string;
  before: unknown;
  after: unknown;
}

/** Everything the review opinion document (审查意见书) shows. */
export interface OpinionInput {
  caseId: number;
  title: string;
  applicant: string | null;
  status: string;
  decision: Decision | null;
  conditions: string[];
  opinion: string | null;
  signedBy: string | null;
  signedAt: string | null;
  run: ReviewResult;
  reviews: FindingReview[];
  trail: TrailEntry[];
  generatedAt: string;
  /** 姓名（角色） of each login the document names (signer, reviewers, who ran the machine review). */
  people?: Record<string, string>;
  /** Catalogue names by layer code: the layer's name and its attributes' names (别名). */
  layers?: Record<string, { name: string; fields: Record<string, string> }>;
  /** Who issues the document: the bureau's name and the text of its seal. */
  bureau?: Bureau;
}

// Rule sets (src/review/ruleset.ts): data, versioned; here so that rule kinds (rules/) can name
// them without importing the rule-set module (which imports the registry of kinds).

export interface RuleDef {
  id: string;
  kind: string;
  layer: string;
  title: string;
  /** Verdict when the rule is broken (fail or warn). */
  verdict: 'fail' | 'warn';
  /** Project types the rule applies to; absent = every type. */
  appliesTo?: string[];
  legalBasis?: string;
  controls?: string;
  message?: string;
  [param: string]: unknown;
}

export interface Tolerance {
  /** Overlaps below this area (m², ellipsoidal) are digitising slivers. */
  areaM2: number;
  /** … or below this share of the project area (%). */
  percent: number;
  basis?: string;
}

export interface RuleSetDef {
  name: string;
  title?: string;
  tolerance: Tolerance;
  projectTypes: { code: string; name: string }[];
  rules: RuleDef[];
}

export interface RuleSetVersion {
  name: string;
  version: number;
  definition: RuleSetDef;
  createdAt: string;
  createdBy: string;
  note: string | null;
}
