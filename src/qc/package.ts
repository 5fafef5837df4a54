// 成果质检 of a whole 汇交 package (onemap qc <package>): every layer mapped to a catalogue layer
// with rules is staged exactly as the package import would stage it and checked, in one
// transaction that is always rolled back. A layer another layer's rules refer to (XZQ for
// CZKFBJ's within-XZQ, DLTB's no-gap) is also written inside that transaction after its own check,
// so those rules read the package's 行政区 — as the package import does (importers/package).
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { DomainError, Invalid } from '../errors.ts';
import { importInTransaction, openReader, stageAndCheck } from '../importers/pipeline.ts';
import { asShown, scanPackage } from '../importers/package/scan.ts';
import { mapLayers, referencedCodes, type MappedLayer } from '../importers/package/map.ts';
import type { GdalLoader } from '../importers/gdal/loader.ts';
import { layerRef, subjectFromStage } from './qc.repository.ts';
import { defaultQcSetup, hasQcRules, runRules } from './engine.ts';
import { rolledBack } from './qc.service.ts';
import type { QcReport } from './types.ts';
import type { SummaryTable } from './summary-table.ts';

export interface PackageQcOptions {
  gdal: GdalLoader;
  /** Only the layers of these catalogue codes are reported (onemap qc <package> --layer). */
  only?: string[];
  skipUnknown?: boolean;
  encoding?: string;
  srid?: number;
  allowOutside?: boolean;
  /** The 汇总表 for 图数一致 (onemap qc <package> --summary); only layers with that rule read it. */
  summary?: SummaryTable | null;
}

export interface PackageQc {
  package: string;
  /** No layer has a blocking error. */
  passed: boolean;
  layers: { file: string; sourceLayer: string; report: QcReport }[];
  /** Mapped layers the rule set has no rules for, and layers that map to none (with skipUnknown). */
  unchecked: { file: string; sourceLayer: string; layer: string | null; reason: string }[];
}

/** Checks every mapped layer of the package at `path`; writes nothing. */
export async function qcPackage(db: Db, config: Config, path: string, opts: PackageQcOptions): Promise<PackageQc> {
  const pkg = await scanPackage(path, opts.gdal);
  try {
    const { mapped, unknown } = await mapLayers(db, pkg, { skipUnknown: opts.skipUnknown });
    const wanted = (m: MappedLayer) => !opts.only || opts.only.some((c) => c.toUpperCase() === m.code.toUpperCase());
    if (!mapped.some(wanted))
      throw new Invalid(
        `数据包 ${pkg.path} 中没有图层 ${opts.only!.join('、')}；其中的图层对应：${mapped.map((m) => `${m.name} → ${m.code}`).join('、') || '（无）'} (no such layer in the package)`,
        { code: 'package_layer_missing' },
      );
    const setup = defaultQcSetup();
    const referenced = referencedCodes(mapped.map((m) => m.code));
    const unchecked: PackageQc['unchecked'] = unknown.map((l) => ({
      file: l.file,
      sourceLayer: l.name,
      layer: null,
      reason: `图层名「${l.name}」无法对应到资源目录中的图层，未检查 (no catalogue layer: not checked)`,
    }));
    const layers = await rolledBack(db, async (tx) => {
      const out: PackageQc['layers'] = [];
      for (const m of mapped) {
        const read = () => openReader(m.path, { encoding: opts.encoding, layer: m.sourceLayer, srid: opts.srid, gdal: opts.gdal });
        if (wanted(m) && hasQcRules(setup, m.code)) {
          const reader = await read();
          try {
            const ref = await layerRef(tx, m.code);
            // As qcFile: invalid and empty geometries are the validity rule's to report.
            const { srid } = await stageAndCheck(
              tx,
              config,
              asShown(reader, m.file),
              { srid: opts.srid, makeValid: true, skipEmpty: true, allowOutside: opts.allowOutside },
              m.code,
              ref?.geometry_type ?? 'Geometry',
            );
            const featureCount = await subjectFromStage(tx, srid, false);
            const report = await runRules(tx, config, setup, {
              layer: m.code,
              layerName: m.layerName,
              source: { kind: 'file', path: m.file },
              featureCount,
              summary: opts.summary,
            });
            out.push({ file: m.file, sourceLayer: m.name, report: JSON.parse(pkg.show(JSON.stringify(report))) as QcReport });
          } finally {
            await reader.close();
          }
        } else if (wanted(m))
          unchecked.push({
            file: m.file,
            sourceLayer: m.name,
            layer: m.code,
            reason: `质检规则集中没有图层 ${m.code} 的规则，未检查 (no quality-check rules for ${m.code})`,
          });
        if (!referenced.has(m.code.toUpperCase())) continue;
        // The reference other layers' rules read: this package's layer, repaired as --make-valid
        // would; a layer that cannot be written leaves the stored version as the reference.
        const reader = await read();
        try {
          await importInTransaction(tx, config, reader, {
            layer: m.code,
            qc: false,
            makeValid: true,
            skipEmpty: true,
            allowOutside: opts.allowOutside,
          });
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
        } finally {
          await reader.close();
        }
      }
      return out;
    });
    return { package: pkg.path, passed: layers.every((l) => l.report.passed), layers, unchecked };
  } finally {
    await pkg.close();
  }
}
