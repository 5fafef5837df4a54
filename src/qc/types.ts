// The quality check (成果质检) in types: rules kept as data (default-ruleset.json), the errors they
// find, and the report a check gives. Decision 0013.
import type { Queryable } from '../db/index.ts';
import type { SummaryTable } from './summary-table.ts';

export type Severity = 'blocking' | 'warning';

/** One rule of a rule set, as the JSON states it; the kind reads the parameters it knows. */
export interface QcRuleDef {
  /** Stable id the errors carry, e.g. "DLTB.TBMJ". */
  id: string;
  kind: string;
  title: string;
  severity: Severity;
  /** The standard the rule comes from, by title (《…》), shown in the report. */
  basis?: string;
  [param: string]: unknown;
}

export interface QcRuleSet {
  name: string;
  title: string;
  /** Standards the rule set cites, by title. */
  standards: string[];
  /** Rules per layer code (a layer family: 地类图斑, 行政区, 城镇开发边界 …). */
  families: Record<string, { title: string; rules: QcRuleDef[] }>;
}

export interface GeoJSONGeometry {
  type: string;
  coordinates?: unknown;
  geometries?: unknown;
}

export interface QcError {
  layer: string;
  /**
   * The feature at fault; for a gap, the covering layer's feature (the 行政区) it lies in; for a
   * summary-table row (图数一致), the combination "district/class" (330106/0101).
   */
  fid: string | null;
  rule: string;
  kind: string;
  severity: Severity;
  /** Chinese first, naming the feature, field and value with units. */
  message: string;
  /** What was measured: the wrong value, the area in m², the GEOS reason. */
  value: number | string | null;
  /** A point on the fault (EPSG:4490 lon/lat). */
  location: [number, number] | null;
  /** The fault's geometry (EPSG:4490): the feature, the overlap, the gap, the part outside. */
  geometry: GeoJSONGeometry | null;
  /** The district (config.districts) the location lies in, for the report; set by the rule when it knows better (图数一致: the row's code). */
  district?: { code: string; name: string } | null;
}

/** A rule that could not run, and why (a reference layer with no data): never a silent pass. */
export interface QcSkipped {
  rule: string;
  title: string;
  severity: Severity;
  reason: string;
}

export interface QcReport {
  layer: string;
  layerName: string;
  /** "file" = a staged file (before 入库), "store" = a layer version in the store. */
  source: { kind: 'file' | 'store'; path?: string; version?: number };
  ruleset: { name: string; title: string; standards: string[] };
  featureCount: number;
  rules: { id: string; title: string; kind: string; severity: Severity; basis?: string; errors: number; listed: number }[];
  passed: boolean;
  counts: { byRule: Record<string, number>; bySeverity: Record<Severity, number> };
  errors: QcError[];
  skipped: QcSkipped[];
  /** The summary table 图数一致 compared the layer with (its name, unit and rows), when one was given. */
  summaryTable?: { name: string; unit: string; rows: number } | null;
  checkedAt: string;
}

/** What a rule kind sees: the subject table (onemap_qc_subject) is filled before any rule runs. */
export interface QcContext {
  q: Queryable;
  layer: string;
  /** Reference layers from the store's versions in force, by code: id and version. */
  reference(code: string): Promise<{ id: number; version: number; name: string } | null>;
  /** Code lists by name (codelists/*.json). */
  codeList(name: string): { title: string; codes: Set<string> };
  /** Errors listed per rule at most; counts stay exact. */
  limit: number;
  /** The package's summary table for 图数一致 (kinds/summary-table.ts); absent: that rule is skipped. */
  summary?: SummaryTable | null;
}

export interface RuleOutcome {
  total: number;
  errors: Omit<QcError, 'layer' | 'rule' | 'kind' | 'severity'>[];
  skipped?: string;
}

export interface QcKind {
  name: string;
  /** Problems of a rule definition of this kind (checked when the rule set loads). */
  validate(rule: QcRuleDef): string[];
  run(ctx: QcContext, rule: QcRuleDef): Promise<RuleOutcome>;
}
