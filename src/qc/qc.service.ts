// The quality check's one door (onemap qc, the tests, later the web pages): a file is read and
// staged exactly as an import would (pipeline.stageAndCheck) and checked without writing anything;
// a layer in the store is checked at its version in force or a given version. Both run in a
// transaction that is always rolled back: the check leaves the database as it was.
import { basename, extname } from 'node:path';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { Invalid, NotFound } from '../errors.ts';
import { defaultIdField } from '../catalogue/catalogue.service.ts';
import { openReader, stageAndCheck } from '../importers/pipeline.ts';
import { layerRef, subjectFromStage, subjectFromStore } from './qc.repository.ts';
import { defaultQcSetup, hasQcRules, runRules } from './engine.ts';
import type { QcReport } from './types.ts';
import type { SummaryTable } from './summary-table.ts';

export interface QcFileOptions {
  /** Layer code whose rules apply; default: the file's name when the rule set has rules for it (DLTB.shp → DLTB). */
  layer?: string;
  encoding?: string;
  sourceLayer?: string;
  srid?: number;
  allowOutside?: boolean;
  /** Only these rule ids. */
  only?: string[];
  /** The package's summary table (readSummaryTable / summaryFromGrid) for 图数一致. */
  summary?: SummaryTable | null;
}

/** Thrown inside the transaction to roll it back while keeping the report. */
class Done extends Error {
  constructor(readonly report: unknown) {
    super('quality check done');
  }
}

/** Runs `work` in a transaction that is always rolled back, and returns what it found. */
export async function rolledBack<T>(db: Db, work: (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => Promise<T>): Promise<T> {
  try {
    await db.transaction(async (tx) => {
      throw new Done(await work(tx));
    });
  } catch (e) {
    if (e instanceof Done) return e.report as T;
    throw e;
  }
  throw new Error('unreachable: the quality check transaction always rolls back');
}

/** The layer whose rules check `path`: --layer, else the file's name; refused before reading when no rules apply. */
export function layerForFile(path: string, layer: string | undefined): string {
  const setup = defaultQcSetup();
  const families = Object.keys(setup.ruleset.families).join('、');
  if (layer) {
    if (hasQcRules(setup, layer)) return layer;
    throw new Invalid(`质检规则集中没有图层 ${layer} 的规则（现有：${families}） (no quality-check rules for layer ${layer})`, {
      code: 'qc_no_rules',
    });
  }
  const guess = basename(path, extname(path)).toUpperCase();
  if (hasQcRules(setup, guess)) return guess;
  throw new Invalid(`无法从文件名 ${basename(path)} 判断图层，请用 --layer 指定（有质检规则的图层：${families}） (pass --layer CODE)`, {
    code: 'qc_layer_unknown',
  });
}

/** Checks a file against the rules of its layer without writing anything. */
export async function qcFile(db: Db, config: Config, path: string, opts: QcFileOptions = {}): Promise<QcReport> {
  const code = layerForFile(path, opts.layer);
  const setup = defaultQcSetup();
  return rolledBack(db, async (tx) => {
    const ref = await layerRef(tx, code);
    const reader = await openReader(path, { encoding: opts.encoding, layer: opts.sourceLayer, srid: opts.srid });
    try {
      // Invalid and empty geometries do not stop the staging here: the validity rule reports them.
      const { srid } = await stageAndCheck(
        tx,
        config,
        reader,
        { srid: opts.srid, makeValid: true, skipEmpty: true, allowOutside: opts.allowOutside, defaultIdField: defaultIdField(code) },
        code,
        ref?.geometry_type ?? 'Geometry',
      );
      const featureCount = await subjectFromStage(tx, srid, false);
      return await runRules(tx, config, setup, {
        layer: code.toUpperCase(),
        layerName: ref?.name ?? code,
        source: { kind: 'file', path },
        featureCount,
        only: opts.only,
        summary: opts.summary,
      });
    } finally {
      await reader.close();
    }
  });
}

/** Checks version `version` (default: the version in force) of a layer in the store. */
export async function qcLayer(
  db: Db,
  config: Config,
  code: string,
  opts: { version?: number; only?: string[]; summary?: SummaryTable | null; onRule?: (rule: string, ms: number) => void } = {},
): Promise<QcReport> {
  const setup = defaultQcSetup();
  return rolledBack(db, async (tx) => {
    const ref = await layerRef(tx, code);
    if (!ref) throw new NotFound(`资源目录中没有图层 ${code} (no layer ${code})`);
    const version = opts.version ?? ref.version;
    if (version === null) throw new NotFound(`图层 ${code} 还没有数据，无可质检 (layer ${code} has no version yet)`);
    const featureCount = await subjectFromStore(tx, ref.id, version);
    if (featureCount === 0 && opts.version !== undefined) throw new NotFound(`图层 ${code} 没有第 ${version} 版 (no version ${version})`);
    return runRules(tx, config, setup, {
      layer: code.toUpperCase(),
      layerName: ref.name,
      source: { kind: 'store', version },
      featureCount,
      only: opts.only,
      summary: opts.summary,
      onRule: opts.onRule,
    });
  });
}
