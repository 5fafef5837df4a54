// `onemap review` and `onemap consistency`. The --json shapes are contracts other tools read:
// review → {runId, verdict, project, findings:[{layer, rule, verdict, overlapAreaM2 (ellipsoidal),
// overlapAreaPlanarM2, overlapAreaMu (from overlapAreaM2), overlapPercent, features:[…]}], versions}.
import type { Config } from '../config.ts';
import { boundaryFromFile } from '../review/input.ts';
import { parseWebMapDatum } from '../importers/webmap.ts';
import { GdalLoader } from '../importers/gdal/loader.ts';
import { runReview, verdictZh } from '../review/engine.ts';
import { runConsistency } from '../review/consistency.ts';
import { formatArea } from '../area/units.ts';
import { str, int, num, UsageError, type Args } from './args.ts';
import { withDb, print } from './db.ts';
import type { SchemeIndicators } from '../review/types.ts';

export async function cmdReview(config: Config, a: Args) {
  const file = a._[1];
  if (!file)
    throw new UsageError(
      'usage: onemap review <file> [--type T] [--far F] [--height H] [--density D] [--green G] [--ground E] [--name N] [--json]',
    );
  const indicators: SchemeIndicators = {
    far: num(a, 'far'),
    height: num(a, 'height'),
    density: num(a, 'density'),
    greenRatio: num(a, 'green'),
    groundElevation: num(a, 'ground'),
  };
  await withDb(config, async (db) => {
    const boundary = await boundaryFromFile(db, config, file, {
      srid: int(a, 'srid'),
      from: parseWebMapDatum(str(a, 'from'), '--from'),
      encoding: str(a, 'encoding'),
      sourceLayer: str(a, 'source-layer'),
      makeValid: !!a.flags['make-valid'],
      gdal: new GdalLoader(),
    });
    const r = await runReview(db, {
      ...boundary,
      type: str(a, 'type') ?? 'urban-construction',
      indicators,
      name: str(a, 'name') ?? file,
      ruleset: str(a, 'ruleset'),
      user: process.env.USER ?? 'cli',
      geometry: !!a.flags.geometry,
    });
    if (a.flags.json) {
      const { geometry, ...project } = r.project;
      return print({ ...r, project: a.flags.geometry ? { ...project, geometry } : project });
    }
    console.log(
      `机审结论: ${verdictZh[r.verdict]}  （审查记录 #${r.runId}，规则集 ${r.versions.ruleset.name} v${r.versions.ruleset.version}）`,
    );
    console.log(`项目: ${r.project.name}，${r.project.typeName}，${r.project.parcelCount} 个地块`);
    console.log(`  椭球面积 ${formatArea(r.project.areaM2)}；投影面积 ${formatArea(r.project.areaPlanarM2)}`);
    if (r.project.source?.from) console.log(`  坐标: ${r.project.source.crs}`);
    for (const w of r.project.source?.warnings ?? []) console.log(`  提示: ${w}`);
    for (const f of r.findings) {
      console.log(`  [${verdictZh[f.verdict]}] ${f.title}（${f.layer} v${f.layerVersion ?? '-'}）：${f.message}`);
    }
  });
}

export async function cmdConsistency(config: Config, a: Args) {
  const [, codeA, codeB] = a._;
  if (!codeA || !codeB) throw new UsageError('usage: onemap consistency LAYER_A LAYER_B [--json]   e.g. onemap consistency YJJBNT CZKFBJ');
  await withDb(config, async (db) => {
    const r = await runConsistency(db, config, codeA, codeB, process.env.USER ?? 'cli');
    if (a.flags.json) return print(r);
    console.log(`一致性审查 #${r.id}: ${r.layerA.name}（v${r.layerA.version}）× ${r.layerB.name}（v${r.layerB.version}）`);
    console.log(
      `  冲突 ${r.conflictCount} 处，${formatArea(r.areaM2)}${r.resultVersion ? `；结果图层 ${r.resultLayer} v${r.resultVersion}` : ''}`,
    );
    for (const d of r.byDistrict) console.log(`  ${d.code} ${d.name}: ${d.count} 处，${formatArea(d.areaM2)}`);
  });
}
