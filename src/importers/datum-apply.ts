// The old-datum step of staging (decision 0012): once the staged features have passed the checks in
// their own system, coordinates in Xian 1980 / Beijing 1954 are transformed in PostGIS with the
// parameters the import names (or the TXT header states) and from then on are CGCS2000. Without
// parameters the import is refused; parameters given for a file that needs none are refused too.
import type { Queryable } from '../db/index.ts';
import { Invalid } from '../errors.ts';
import { oldFrameOfSrid } from '../crs/olddatums.ts';
import * as store from '../store/store.repository.ts';
import { assertSetDatum, missingParams, parseHeaderParams, planDatumTransform, type DatumPlan } from './datum.ts';
import { chooseParams } from './datum-params.service.ts';
import { ImportError, type SourceInfo } from './types.ts';

export interface DatumChoice {
  /** "7:…", "4:…" or the name of a set kept by administrators. */
  spec?: string;
  /** The 7 rotations were written in the coordinate-frame convention (EPSG 9607). */
  coordinateFrame?: boolean;
  /** How the choice was made, for the record: 「命令行 --datum-params」, 「上传字段 datumParams」. */
  via?: string;
}

export async function applyOldDatum(
  tx: Queryable,
  info: SourceInfo,
  srid: number,
  sridSource: string,
  choice: DatumChoice = {},
): Promise<{ srid: number; sridSource: string; record: DatumPlan['record'] } | undefined> {
  const path = info.path;
  const via = choice.via ?? '命令行 --datum-params';
  const frame = oldFrameOfSrid(srid);
  if (!frame) {
    if (choice.spec || choice.coordinateFrame)
      throw new Invalid(
        `${via} 只用于 1980 西安坐标系或 1954 北京坐标系的数据，而文件 ${path} 的坐标系为 EPSG:${srid}（${sridSource}），无需换算 (${via} applies to Xian 1980 / Beijing 1954 data only)`,
      );
    return undefined;
  }
  const fromHeader = parseHeaderParams(info.datumParams, path, !!choice.coordinateFrame);
  let plan: DatumPlan;
  if (choice.spec) {
    const chosen = await chooseParams(tx, choice.spec, !!choice.coordinateFrame, via);
    if (chosen.setName) assertSetDatum(chosen.setName, chosen.setDatum ?? null, frame, path);
    const over = fromHeader ? '（优先于 TXT 的 转换参数=）' : '';
    plan = planDatumTransform(frame, chosen.params, `${chosen.origin}${over}`, path);
  } else if (fromHeader) {
    plan = planDatumTransform(frame, fromHeader, ` TXT [属性描述] 转换参数=${info.datumParams}`, path);
  } else throw missingParams(path, frame, sridSource);
  try {
    await store.transformStage(tx, plan.transform);
  } catch (e) {
    throw new ImportError({
      file: path,
      reason: `坐标按转换参数换算到 CGCS2000 失败 (the datum transformation failed): ${(e as Error).message}`,
    });
  }
  return { srid: plan.srid, sridSource: `${sridSource}；${plan.note}`, record: plan.record };
}
