// Which catalogue layer each layer of a package is: by its standard name (the layer names of the
// national database specifications, migration 014), the layer code or the Chinese name, matched
// case-insensitively. A name that matches nothing is listed — never guessed — and refuses the
// package unless the caller said to skip such layers.
import type { Queryable } from '../../db/index.ts';
import { layersByName, standardNames, type LayerNameMatch } from '../../catalogue/catalogue.service.ts';
import { Invalid } from '../../errors.ts';
import { defaultQcSetup } from '../../qc/engine.ts';
import { familyRules } from '../../qc/ruleset.ts';
import type { PackageLayer, ScannedPackage } from './scan.ts';

export interface MappedLayer extends PackageLayer {
  code: string;
  layerName: string;
  mappedBy: LayerNameMatch['by'];
}

const count = (l: PackageLayer) => (l.featureCount === null ? '' : `（${l.featureCount} 个要素）`);
const named = (l: PackageLayer) => `文件 ${l.file} 图层「${l.name}」${count(l)}`;

/** The package's layers that map to no catalogue layer: nothing was written. Code `package_unknown_layers`. */
export class UnknownPackageLayers extends Invalid {
  constructor(pkg: string, unknown: PackageLayer[], known: string) {
    super(
      `数据包 ${pkg} 中有 ${unknown.length} 个图层无法对应到资源目录中的图层：${unknown.map(named).join('；')}。` +
        `可识别的图层名（按国家数据库规范的图层名、图层代码或中文名，不区分大小写）：${known}。` +
        `请按规范命名这些图层，或用 --skip-unknown（上传字段 skipUnknown=true）只导入能对应的图层；数据库未作任何修改 ` +
        `(${unknown.length} layers map to no catalogue layer: ${unknown.map((l) => `${l.file} / ${l.name}`).join(', ')})`,
      {
        code: 'package_unknown_layers',
        problems: unknown.map((l) => ({ file: l.file, sourceLayer: l.name, featureCount: l.featureCount })),
      },
    );
  }
}

/** Maps every layer of `pkg`; refuses unknown layers (unless `skipUnknown`) and two layers for one code. */
export async function mapLayers(
  q: Queryable,
  pkg: ScannedPackage,
  opts: { skipUnknown?: boolean },
): Promise<{ mapped: MappedLayer[]; unknown: PackageLayer[] }> {
  const found = new Map((await layersByName(q, [...new Set(pkg.layers.map((l) => l.name))])).map((m) => [m.name, m]));
  const mapped: MappedLayer[] = [];
  const unknown: PackageLayer[] = [];
  for (const l of pkg.layers) {
    const m = found.get(l.name);
    if (m) mapped.push({ ...l, code: m.code, layerName: m.name_zh, mappedBy: m.by });
    else unknown.push(l);
  }
  if (unknown.length && !opts.skipUnknown) {
    const known = (await standardNames(q))
      .map((s) => (s.names.length ? `${s.code}（${s.names.filter((n) => n.toUpperCase() !== s.code.toUpperCase()).join('、')}）` : s.code))
      .join('、');
    throw new UnknownPackageLayers(pkg.path, unknown, known);
  }
  const byCode = new Map<string, MappedLayer>();
  for (const m of mapped) {
    const other = byCode.get(m.code);
    if (other)
      throw new Invalid(
        `数据包 ${pkg.path} 中 ${named(other)} 与 ${named(m)} 都对应图层 ${m.code}（${m.layerName}）：一个数据包中每个图层只能有一份，数据库未作任何修改 (two layers of the package map to ${m.code})`,
        { code: 'package_duplicate_layer' },
      );
    byCode.set(m.code, m);
  }
  return { mapped: referencedFirst(mapped), unknown };
}

/** The codes among `codes` that another one's quality-check rules refer to (within, cover: XZQ). */
export function referencedCodes(codes: readonly string[]): Set<string> {
  const setup = defaultQcSetup();
  const present = new Set(codes.map((c) => c.toUpperCase()));
  const referenced = new Set<string>();
  for (const code of codes)
    for (const r of familyRules(setup.ruleset, code)?.rules ?? [])
      for (const ref of [r.within, r.cover])
        if (typeof ref === 'string' && ref.toUpperCase() !== code.toUpperCase() && present.has(ref.toUpperCase()))
          referenced.add(ref.toUpperCase());
  return referenced;
}

/**
 * Layers another layer's quality-check rules refer to (XZQ for CZKFBJ's within-XZQ and DLTB's
 * no-gap) come first: written first in the package's one transaction, they are the version in
 * force those rules read, so a package is checked against its own 行政区, not the stored one.
 */
function referencedFirst(layers: MappedLayer[]): MappedLayer[] {
  const referenced = referencedCodes(layers.map((l) => l.code));
  const rank = (l: MappedLayer) => (referenced.has(l.code.toUpperCase()) ? 0 : 1);
  return layers
    .map((l, i) => ({ l, i }))
    .sort((a, b) => rank(a.l) - rank(b.l) || a.i - b.i)
    .map((x) => x.l);
}
