// `onemap access …`: the 15-minute life circle from the command line, over the same services as
// the HTTP routes. JSON outputs (--json) are contracts; the progress bar goes to stderr.
import { writeFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import { formatArea, m2ToMu } from '../area/units.ts';
import { progressBar } from '../util/progress.ts';
import { UsageError, str, int, num, type Args } from '../cli/args.ts';
import { withDb, print } from '../cli/db.ts';
import { buildNetwork, type NetworkSummary } from './network.ts';
import { accessContext, runCoverage, getRun, listRuns, whatIf, uncoveredGeoJson, type RunSummary } from './access.service.ts';
import type { CoverageInput } from './settings.ts';

export const ACCESS_USAGE = `onemap access network [--layer BXWL] [--version N] [--tolerance M] [--json]
  onemap access coverage [--type 小学,幼儿园] [--budget 小学=10,幼儿园=5] [--speed-kmh 4] [--max-snap M] [--residential ZD[:TDYT[:^07|住宅]]] [--water LANX|none] [--json]
  onemap access runs [--json] | onemap access run ID [--json]
  onemap access what-if --type 小学 --at LON,LAT[;LON,LAT…] [--run ID] [--json]
  onemap access uncovered <out.geojson> [--run ID] [--type 小学]`;

const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`);
const mu = (m2: number) => `${m2ToMu(m2).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 亩`;

function printNetwork(s: NetworkSummary): void {
  console.log(
    `步行网络 v${s.networkVersion}（${s.layer} v${s.layerVersion}${s.reused ? '，已存在，直接复用' : `，构建 ${s.buildSeconds} s`}）`,
  );
  console.log(
    `  节点 ${s.nodes}，路段 ${s.edges}（可步行 ${s.walkableEdges}，${(s.walkableLengthM / 1000).toFixed(2)} km），连通分量 ${s.components}，断头点 ${s.deadEnds}`,
  );
  console.log(`  孤立子网 ${s.islands.count} 个（${s.islands.nodes} 个节点，${(s.islands.lengthM / 1000).toFixed(2)} km）`);
  for (const i of s.islands.largest.slice(0, 10)) {
    console.log(
      `    分量 ${i.component}: ${i.nodes} 节点 ${i.edges} 路段 ${i.lengthM.toFixed(0)} m${i.centre ? ` @ ${i.centre[0].toFixed(5)}, ${i.centre[1].toFixed(5)}` : ''}`,
    );
  }
}

function printRun(s: RunSummary): void {
  console.log(
    `15分钟生活圈覆盖 #${s.runId}（步行网络 v${s.networkVersion}；${Object.entries(s.versions)
      .map(([k, v]) => `${k} v${v ?? '—'}`)
      .join('，')}）`,
  );
  console.log(
    `  步速 ${s.params.walkSpeedKmH} km/h，最大接入距离 ${s.params.maxSnapM} m；居住用地 ${s.city.parcels} 宗 ${formatArea(s.city.residentialAreaM2)}，未接入网络 ${s.unsnappedParcels} 宗`,
  );
  for (const t of s.byType) {
    console.log(
      `  ${t.type.padEnd(10 - [...t.type].length)} ${t.budgetMinutes.toFixed(1).padStart(5)} 分钟 ${t.budgetM.toFixed(0).padStart(5)} m  设施 ${String(t.snappedFacilities).padStart(5)}/${String(t.facilities).padEnd(5)} 覆盖 ${mu(t.coveredAreaM2).padStart(14)}  ${pct(t.coveragePercent).padStart(8)}`,
    );
  }
  console.log(
    `  全部类型：覆盖 ${mu(s.city.coveredAreaM2)}，${pct(s.city.coveragePercent)}${s.city.populationCoveragePercent !== null ? `（按人口 ${pct(s.city.populationCoveragePercent)}）` : ''}；未全覆盖居住用地 ${s.uncoveredCount} 宗`,
  );
  for (const d of s.byDistrict) console.log(`    ${d.name ?? d.code}: ${mu(d.residentialAreaM2)}，全部类型 ${pct(d.coveragePercent)}`);
}

function coverageInput(a: Args): CoverageInput {
  const input: CoverageInput = { user: process.env.USER ?? 'cli' };
  const types = str(a, 'type');
  if (types)
    input.types = types
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  const budgets = str(a, 'budget');
  if (budgets) {
    input.budgets = {};
    for (const part of budgets.split(',')) {
      const [k, v] = part.split('=');
      if (!k || !v || !Number.isFinite(Number(v))) throw new UsageError(`--budget takes TYPE=MINUTES pairs, got "${part}"`);
      input.budgets[k.trim()] = Number(v);
    }
  }
  input.walkSpeedKmH = num(a, 'speed-kmh');
  input.maxSnapM = num(a, 'max-snap');
  const res = str(a, 'residential');
  if (res) {
    const [layer, field, ...rest] = res.split(':');
    input.residential = { layer, ...(field !== undefined ? { field, pattern: rest.length ? rest.join(':') : null } : {}) };
  }
  const water = str(a, 'water');
  if (water) input.water = water.toLowerCase() === 'none' ? null : { layer: water };
  return input;
}

function points(s: string | undefined): [number, number][] {
  if (!s) throw new UsageError('--at LON,LAT is required (several: LON,LAT;LON,LAT)');
  return s.split(';').map((p) => {
    const [lon, lat] = p.split(',').map(Number);
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new UsageError(`--at takes LON,LAT, got "${p}"`);
    return [lon, lat];
  });
}

/** Dispatch target of `onemap access <sub>` (src/cli/main.ts). */
export async function cmdAccess(config: Config, a: Args): Promise<void> {
  const sub = a._[1];
  const json = !!a.flags.json;
  switch (sub) {
    case 'network':
      return withDb(config, async (db) => {
        const s = await buildNetwork(db, {
          layer: str(a, 'layer'),
          version: int(a, 'version'),
          toleranceM: num(a, 'tolerance'),
          user: process.env.USER ?? 'cli',
        });
        if (json) print(s);
        else printNetwork(s);
      });
    case 'coverage': {
      const input = coverageInput(a);
      const bar = progressBar();
      return withDb(config, async (db) => {
        const s = await runCoverage(accessContext(db), input, (msg, done, total) => bar.update(done, total, msg));
        bar.done();
        if (json) print(s);
        else printRun(s);
      });
    }
    case 'runs':
      return withDb(config, async (db) => {
        const runs = await listRuns(db);
        if (json) return print(runs);
        for (const r of runs)
          console.log(
            `#${r.runId} ${r.createdAt.slice(0, 19)}  网络 v${r.networkVersion}  ${r.types.join('、')}  全部类型 ${pct(r.coveragePercent)}`,
          );
      });
    case 'run': {
      const id = Number(a._[2]);
      if (!Number.isInteger(id)) throw new UsageError('usage: onemap access run ID [--json]');
      return withDb(config, async (db) => {
        const s = await getRun(db, id);
        if (json) print(s);
        else printRun(s);
      });
    }
    case 'what-if': {
      const type = str(a, 'type');
      if (!type) throw new UsageError('usage: onemap access what-if --type 小学 --at LON,LAT [--run ID]');
      const at = points(str(a, 'at'));
      return withDb(config, async (db) => {
        const r = await whatIf(accessContext(db), { runId: int(a, 'run'), type, points: at });
        if (json) return print(r);
        const g = r.gain as { areaM2: number; percentPoints: number; parcels: number; allTypesPercentPoints: number };
        const before = r.before as { type: { coveragePercent: number } };
        const after = r.after as { type: { coveragePercent: number } };
        console.log(
          `新增 ${at.length} 处${r.type}：新增覆盖 ${formatArea(g.areaM2)}，${g.parcels} 宗；覆盖率 ${pct(before.type.coveragePercent)} → ${pct(after.type.coveragePercent)}（全部类型 +${g.allTypesPercentPoints} 个百分点）`,
        );
      });
    }
    case 'uncovered': {
      const out = a._[2];
      if (!out) throw new UsageError('usage: onemap access uncovered <out.geojson> [--run ID] [--type 小学]');
      return withDb(config, async (db) => {
        const fc = await uncoveredGeoJson(db, int(a, 'run'), str(a, 'type'), 1_000_000);
        writeFileSync(out, JSON.stringify(fc));
        if (json) return print({ file: out, featureCount: fc.features.length });
        console.log(`未覆盖居住用地 ${fc.features.length} 宗 → ${out}`);
      });
    }
    default:
      throw new UsageError(`usage:\n  ${ACCESS_USAGE}`);
  }
}
