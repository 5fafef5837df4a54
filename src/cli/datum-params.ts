// `onemap datum-params add|list`: the named transformation parameter sets for Xian 1980 / Beijing
// 1954 data kept by administrators (decision 0012), used on import with --datum-params NAME.
import type { Config } from '../config.ts';
import { addParamSet, listParamSets } from '../importers/datum-params.service.ts';
import { withDb, print } from './db.ts';
import { str, type Args } from './args.ts';
import { UsageError } from './errors.ts';

const USAGE = `onemap datum-params add NAME PARAMS [--datum xian80|beijing54] [--coordinate-frame] [--note T] [--json]
    PARAMS = "7:ΔX,ΔY,ΔZ,rX,rY,rZ,m"（米、角秒、ppm；旋转按位置矢量约定 EPSG:9606 = PROJ +towgs84，
             按坐标框架约定 EPSG:9607 给出时加 --coordinate-frame）
           或 "4:ΔX,ΔY,旋转,尺度"（北、东平移米，旋转角秒，尺度 ppm；作用于去掉带号的高斯平面坐标）
  onemap datum-params list [--json]
  导入时：onemap import <file> --layer CODE --datum-params NAME`;

export async function cmdDatumParams(config: Config, a: Args): Promise<void> {
  const sub = a._[1];
  if (sub === 'add') {
    const [name, params] = [a._[2], a._[3]];
    if (!name || !params) throw new UsageError(USAGE);
    const user = process.env.USER ?? 'cli';
    const s = await withDb(config, (db) =>
      addParamSet(db, { name, params, datum: str(a, 'datum'), coordinateFrame: !!a.flags['coordinate-frame'], note: str(a, 'note') }, user),
    );
    if (a.flags.json) return print(s);
    console.log(`已登记参数集 ${s.name}: ${s.params}${s.datum ? `（${s.datum}）` : ''}`);
    return;
  }
  if (sub === 'list') {
    const sets = await withDb(config, (db) => listParamSets(db));
    if (a.flags.json) return print(sets);
    if (sets.length === 0) console.log('尚未登记转换参数集 (no parameter sets)');
    for (const s of sets)
      console.log(
        `${s.name.padEnd(16)} ${s.params}  ${s.datum ?? '-'}  ${s.convention}  ${s.createdBy} ${s.createdAt}${s.note ? `  ${s.note}` : ''}`,
      );
    return;
  }
  throw new UsageError(USAGE);
}
