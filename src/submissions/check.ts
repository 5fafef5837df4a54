// The check of a submitted file (成果提交): the real import run as a dry run inside a transaction
// that is always rolled back, so QC and the diff see exactly what 入库 would write (web-map
// conversion, old datums, the match key, repairs) and nothing stays. QC runs on the version the dry
// run wrote, as `qcLayer` checks a stored version; the diff compares it with the version in force.
import type { Db, Queryable } from '../db/index.ts';
import { within } from '../db/index.ts';
import { DbEvents } from '../db/events.ts';
import type { Config } from '../config.ts';
import type { User } from '../auth/types.ts';
import type { GdalLoader } from '../importers/gdal/loader.ts';
import { importFile, ImportRejected, type ImportOptions, type ImportResult } from '../importers/pipeline.ts';
import { parseWebMapDatum } from '../importers/webmap.ts';
import type { ImportProblem } from '../importers/diagnose.ts';
import { subjectFromStore } from '../qc/qc.repository.ts';
import { defaultQcSetup, hasQcRules, runRules } from '../qc/engine.ts';
import type { QcError, QcReport } from '../qc/types.ts';
import { styleOf } from '../mapview/mapview.service.ts';
import { m2ToMu } from '../area/units.ts';
import * as repo from './submissions.repository.ts';

/** The import options a submission carries to its 入库 (the upload form's fields). */
export interface SubmitOptions {
  encoding?: string;
  srid?: number;
  from?: string;
  datumParams?: string;
  coordinateFrame?: boolean;
  makeValid?: boolean;
  skipEmpty?: boolean;
  sourceLayer?: string;
  idField?: string;
}

/** Features listed with their geometry in a diff; the counts and areas stay exact beyond it. */
export const DIFF_LISTED = 5000;

export interface DiffFeature {
  fid: string;
  status: 'added' | 'removed' | 'changed';
  areaBeforeM2: number | null;
  areaAfterM2: number | null;
  areaChangeM2: number;
  areaChangeMu: number;
  classBefore: string | null;
  classAfter: string | null;
  geometryChanged?: boolean;
  attributeChanges?: { name: string; before: unknown; after: unknown }[];
  geometry: { type: string; coordinates: unknown } | null;
}

export interface ClassTotal {
  class: string;
  label: string;
  beforeM2: number;
  afterM2: number;
  changeM2: number;
  beforeMu: number;
  afterMu: number;
  changeMu: number;
}

export interface SubmissionDiff {
  from: number | null;
  classField: string | null;
  summary: { added: number; removed: number; changed: number; areaChangeM2: number; areaChangeMu: number };
  byClass: ClassTotal[];
  features: DiffFeature[];
  listed: number;
}

export interface Checked {
  status: 'pending' | 'qc_failed';
  baseVersion: number | null;
  result: ImportResult | null;
  qc: QcReport | null;
  /** The import's own refusals, as QC errors (rule 导入检查.<kind>). */
  problems: QcError[];
  diff: SubmissionDiff | null;
}

/** The import options of a submission, for the check (dry run) and for 入库. */
export function importOptions(layer: string, o: SubmitOptions, gdal: GdalLoader | undefined): ImportOptions {
  return {
    layer,
    encoding: o.encoding,
    srid: o.srid,
    from: parseWebMapDatum(o.from, 'from'),
    datum: { spec: o.datumParams, coordinateFrame: o.coordinateFrame, via: '成果提交字段 datumParams' },
    makeValid: o.makeValid,
    skipEmpty: o.skipEmpty,
    sourceLayer: o.sourceLayer,
    idField: o.idField,
    gdal,
  };
}

/**
 * `db` seen inside `tx`, with its own event bus: an import run inside a transaction announces its
 * new version before the transaction commits (or when it is rolled back); the caller replays the
 * announcements on the real bus after COMMIT.
 */
export function inside(db: Db, tx: Queryable): { db: Db; changes: { code: string; layerId: number; version: number | null }[] } {
  const events = new DbEvents();
  const changes: { code: string; layerId: number; version: number | null }[] = [];
  events.onLayerChanged((c) => changes.push(c));
  return { db: { ...within(db, tx), events }, changes };
}

/** Thrown to roll the check back while keeping what it found. */
class Done extends Error {
  constructor(readonly checked: Checked) {
    super('submission checked');
  }
}

const problemAsError = (layer: string, p: ImportProblem): QcError => ({
  layer,
  fid: p.fid,
  rule: `导入检查.${p.kind}`,
  kind: `import-${p.kind}`,
  severity: 'blocking',
  message: `要素 ${p.fid}${p.location ? `（${p.location}）` : ''}：${p.reason}`,
  value: null,
  location: p.lonLat ?? null,
  geometry: p.lonLat ? { type: 'Point', coordinates: p.lonLat } : null,
});

export async function checkSubmission(
  db: Db,
  config: Config,
  path: string,
  fileName: string,
  layer: { id: number; code: string; name_zh: string; active_version: number | null },
  o: SubmitOptions,
  actor: User,
  gdal: GdalLoader | undefined,
): Promise<Checked> {
  try {
    await db.transaction(async (tx) => {
      const base = await repo.lockLayer(tx, layer.id);
      const run = inside(db, tx);
      let result: ImportResult;
      try {
        // qc: false — the check below lists every error instead of stopping at the first refusal.
        result = await importFile(run.db, config, path, {
          ...importOptions(layer.code, o, gdal),
          qc: false,
          dryRun: true,
          user: actor.username,
          actor,
        });
      } catch (e) {
        if (!(e instanceof ImportRejected)) throw e;
        const problems = e.problems.map((p) => problemAsError(layer.code, p));
        throw new Done({ status: 'qc_failed', baseVersion: base, result: null, qc: null, problems, diff: null });
      }
      const setup = defaultQcSetup();
      let qc: QcReport | null = null;
      if (hasQcRules(setup, layer.code)) {
        const featureCount = await subjectFromStore(tx, layer.id, result.version);
        qc = await runRules(tx, config, setup, {
          layer: layer.code.toUpperCase(),
          layerName: layer.name_zh,
          source: { kind: 'file', path: fileName },
          featureCount,
        });
      }
      const diff = await diffAgainst(tx, layer, base, result.version);
      throw new Done({ status: qc && !qc.passed ? 'qc_failed' : 'pending', baseVersion: base, result, qc, problems: [], diff });
    });
  } catch (e) {
    if (e instanceof Done) return e.checked;
    throw e;
  }
  throw new Error('unreachable: the submission check always rolls back');
}

/** Attributes whose values differ, old → new (as the store keeps them, jsonb). */
function attributeChanges(a: Record<string, unknown> | null, b: Record<string, unknown> | null) {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys]
    .filter((k) => JSON.stringify(a?.[k]) !== JSON.stringify(b?.[k]))
    .sort()
    .map((name) => ({ name, before: a?.[name] ?? null, after: b?.[name] ?? null }));
}

/**
 * The diff of version `to` against `from` (null: no version in force, all is new): features with
 * their geometry and changed attributes, and the area by class before and after. The class is the
 * viewer's category of the layer (layer-styles.json: DLTB by the first 2 characters of DLBM, GHYD of
 * YDYHFLDM); a layer without categories has one class, 全部.
 */
export async function diffAgainst(
  q: Queryable,
  layer: { id: number; code: string },
  from: number | null,
  to: number,
): Promise<SubmissionDiff> {
  const cat = styleOf(layer.code, 0).categories ?? null;
  const classOf = (p: Record<string, unknown> | null) => {
    if (!p) return null;
    if (!cat) return '';
    const v = p[cat.field];
    return v === null || v === undefined ? '' : String(v).slice(0, cat.prefix);
  };
  const rows = from === to ? [] : await repo.diff(q, layer.id, from, to, DIFF_LISTED);
  const features: DiffFeature[] = rows.map((r) => {
    const change = (r.area_after ?? 0) - (r.area_before ?? 0);
    const f: DiffFeature = {
      fid: r.fid,
      status: r.status,
      areaBeforeM2: r.area_before,
      areaAfterM2: r.area_after,
      areaChangeM2: change,
      areaChangeMu: m2ToMu(change),
      classBefore: classOf(r.props_before),
      classAfter: classOf(r.props_after),
      geometry: r.geometry,
    };
    if (r.status === 'changed') {
      f.geometryChanged = r.geometry_changed;
      f.attributeChanges = attributeChanges(r.props_before, r.props_after);
    }
    return f;
  });
  const clsArg = cat ? { field: cat.field, prefix: cat.prefix } : null;
  const before = from === null ? [] : await repo.areaByClass(q, layer.id, from, clsArg);
  const after = await repo.areaByClass(q, layer.id, to, clsArg);
  const classes = [...new Set([...before.map((r) => r.cls), ...after.map((r) => r.cls)])].sort();
  const byClass = classes.map((c) => {
    const b = before.find((r) => r.cls === c)?.m2 ?? 0;
    const a = after.find((r) => r.cls === c)?.m2 ?? 0;
    const label = !cat ? '全部' : c === '' ? '（无分类）' : `${c} ${cat.labels?.[c] ?? ''}`.trim();
    return {
      class: cat ? c : '全部',
      label,
      beforeM2: b,
      afterM2: a,
      changeM2: a - b,
      beforeMu: m2ToMu(b),
      afterMu: m2ToMu(a),
      changeMu: m2ToMu(a - b),
    };
  });
  const areaChangeM2 = features.reduce((s, f) => s + f.areaChangeM2, 0);
  // Geometry stops at DIFF_LISTED rows; the list keeps every row so counts and areas stay exact.
  const count = (s: DiffFeature['status']) => features.filter((f) => f.status === s).length;
  return {
    from,
    classField: cat?.field ?? null,
    summary: {
      added: count('added'),
      removed: count('removed'),
      changed: count('changed'),
      areaChangeM2,
      areaChangeMu: m2ToMu(areaChangeM2),
    },
    byClass,
    features,
    listed: Math.min(features.length, DIFF_LISTED),
  };
}
