// A 成果汇交 package in one go (issue 17 item 2): every layer it carries is mapped to its catalogue
// layer (map.ts), then staged, checked (import checks and 质检) and written as that layer's next
// version inside ONE transaction — a blocking error or a bad feature in any layer rolls every layer
// back, so the One Map never holds half a package (decision 0002, extended across layers).
import { basename } from 'node:path';
import type { Db } from '../../db/index.ts';
import type { Config } from '../../config.ts';
import { DomainError } from '../../errors.ts';
import { appendAudit } from '../../audit/audit.ts';
import { importInTransaction, openReader, webMapAware, type ImportOptions } from '../pipeline.ts';
import type { SourceReader } from '../types.ts';
import type { GdalLoader } from '../gdal/loader.ts';
import { asShown, scanPackage, type ScannedPackage } from './scan.ts';
import { mapLayers, type MappedLayer } from './map.ts';
import type { PackageImportResult, PackageLayerResult, PackageSkipped } from './package.schemas.ts';

export type { PackageImportResult };

export interface PackageOptions extends Omit<ImportOptions, 'layer' | 'sourceLayer' | 'gdal'> {
  gdal: GdalLoader;
  /** Import the layers that map and list the others (--skip-unknown); default: refuse the package. */
  skipUnknown?: boolean;
  /** The name the package is shown by (an upload's file name); default its path. */
  shownAs?: string;
}

/**
 * The refusal of one layer, said as the package's: the package, the file and the layer lead the
 * message, and each problem names its file and layer. The error keeps its class and code.
 */
function inPackage(e: unknown, pkg: ScannedPackage, m: MappedLayer): unknown {
  if (!(e instanceof DomainError)) return e;
  const err = e as DomainError & { problems?: unknown[] };
  const first = err.problems?.[0] as { fid?: string; message?: string; reason?: string } | undefined;
  const firstText =
    first && first.fid !== undefined && !err.message.includes(`feature ${first.fid}`)
      ? `；第一处：要素 ${first.fid}：${first.message ?? first.reason ?? ''}`
      : '';
  err.message = pkg.show(
    `数据包 ${pkg.path} 未导入，所有图层均未修改：文件 ${m.file} 图层「${m.name}」（→ ${m.code} ${m.layerName}）：${err.message}${firstText}`,
  );
  if (Array.isArray(err.problems))
    err.problems.forEach((p, i) => {
      if (p && typeof p === 'object') err.problems![i] = { file: m.file, sourceLayer: m.name, ...JSON.parse(pkg.show(JSON.stringify(p))) };
    });
  return err;
}

/** Thrown inside the transaction to roll a dry run back while keeping what it found. */
class DryRun extends Error {
  constructor(readonly layers: PackageLayerResult[]) {
    super('dry run');
  }
}

/** Imports every layer of the package at `path` as one transaction; see the module comment. */
export async function importPackage(db: Db, config: Config, path: string, opts: PackageOptions): Promise<PackageImportResult> {
  const pkg = await scanPackage(path, opts.gdal);
  const shown = opts.shownAs ?? path;
  try {
    const { mapped, unknown } = await mapLayers(db, pkg, { skipUnknown: opts.skipUnknown });
    const skipped: PackageSkipped[] = unknown.map((l) => ({
      file: opts.shownAs ? l.file.split(path).join(opts.shownAs) : l.file,
      sourceLayer: l.name,
      featureCount: l.featureCount,
      reason: `图层名「${l.name}」无法对应到资源目录中的图层，未导入 (no catalogue layer for "${l.name}": skipped)`,
    }));
    let layers: PackageLayerResult[];
    const ids = new Map<string, number>();
    try {
      layers = await db.transaction(async (tx) => {
        const out: PackageLayerResult[] = [];
        for (const layer of mapped) {
          // An upload's files are named after the name it was uploaded by, not its temporary path.
          const m = opts.shownAs ? { ...layer, file: layer.file.split(path).join(opts.shownAs) } : layer;
          let reader: SourceReader | undefined;
          try {
            const source = await openReader(m.path, { encoding: opts.encoding, layer: m.sourceLayer, srid: opts.srid, gdal: opts.gdal });
            const w = webMapAware(asShown(source, m.file), { ...opts, layer: m.code, qc: opts.qc ?? true });
            reader = w.reader;
            const r = await importInTransaction(tx, config, reader, w.opts);
            ids.set(r.result.layer, r.layerId);
            const result = { ...r.result, warnings: r.result.warnings.map(pkg.show) };
            out.push({ file: m.file, sourceLayer: m.name, code: m.code, name: m.layerName, mappedBy: m.mappedBy, result });
          } catch (e) {
            throw inPackage(e, pkg, m);
          } finally {
            await reader?.close();
          }
        }
        await appendAudit(tx, {
          actor: opts.user ?? 'system',
          action: 'package.import',
          entity: 'package',
          entityId: basename(shown),
          after: {
            layers: out.map((l) => ({
              file: l.file,
              sourceLayer: l.sourceLayer,
              code: l.code,
              version: l.result.version,
              unchanged: l.result.unchanged,
            })),
            skipped: skipped.map((s) => ({ file: s.file, sourceLayer: s.sourceLayer })),
            dryRun: !!opts.dryRun,
          },
        });
        if (opts.dryRun) throw new DryRun(out);
        return out;
      });
      // After COMMIT: caches keyed by layer version (tiles) drop the old versions.
      for (const l of layers)
        if (!l.result.unchanged)
          db.events.layerChanged({ code: l.result.layer, layerId: ids.get(l.result.layer)!, version: l.result.version });
    } catch (e) {
      if (!(e instanceof DryRun)) throw e;
      layers = e.layers;
    }
    const written = layers.filter((l) => !l.result.unchanged);
    const what = layers.map((l) => `${l.code} ${l.result.unchanged ? '未变' : `第 ${l.result.version} 版`}`).join('、');
    const message =
      `${opts.dryRun ? '检查通过（未写入）' : '数据包已导入'}：${layers.length} 个图层（${what}）` +
      `${opts.dryRun ? '' : `，新版本 ${written.length} 个`}` +
      `${skipped.length ? `；${skipped.length} 个图层无法对应、未导入：${skipped.map((s) => `${s.file} 图层「${s.sourceLayer}」`).join('、')}` : ''}` +
      ` (${layers.length} layers${opts.dryRun ? ' checked, nothing written' : `, ${written.length} new versions`}${skipped.length ? `, ${skipped.length} skipped` : ''})`;
    return { package: shown, dryRun: !!opts.dryRun, message, layers, skipped };
  } finally {
    await pkg.close();
  }
}
