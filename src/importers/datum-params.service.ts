// Named datum parameter sets kept by administrators (decision 0012), and the choice an import makes
// between them, parameters given outright and the TXT header's 转换参数=.
import type { Db, Queryable } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import type { OldDatum } from '../crs/olddatums.ts';
import { formatParams, parseDatumSpec, type DatumParams } from './datum.ts';
import * as repo from './datum-params.repository.ts';

export interface ParamSet {
  name: string;
  datum: OldDatum | null;
  /** "7:…" or "4:…", rotations in the position-vector convention (EPSG 9606). */
  params: string;
  kind: 4 | 7;
  convention: 'position_vector' | 'coordinate_frame';
  note: string | null;
  createdBy: string;
  createdAt: string;
}

const toSet = (r: repo.ParamSetRow): ParamSet => ({
  name: r.name,
  datum: r.datum,
  params: `${r.kind}:${r.params.join(',')}`,
  kind: r.kind,
  convention: r.convention,
  note: r.note,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export function parseOldDatum(v: string | undefined | null, what: string): OldDatum | null {
  if (v === undefined || v === null || v === '') return null;
  const t = v
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  if (['xian80', 'xian1980', '西安80', '1980西安'].includes(t)) return 'xian80';
  if (['beijing54', 'beijing1954', '北京54', '1954北京'].includes(t)) return 'beijing54';
  throw new Invalid(
    `${what} 须为 xian80（1980 西安坐标系）或 beijing54（1954 北京坐标系），收到“${v.slice(0, 40)}” (${what} must be xian80 or beijing54)`,
  );
}

/** Adds a set (administrators; audited). A name is never reused: the versions that cite it keep meaning the same numbers. */
export async function addParamSet(
  db: Db,
  a: { name: string; params: string; datum?: string | null; coordinateFrame?: boolean; note?: string | null },
  actor: string,
): Promise<ParamSet> {
  const name = a.name.trim();
  const p = parseDatumSpec(a.params, '参数 (params)', !!a.coordinateFrame);
  if ('name' in p)
    throw new Invalid(
      `参数须写作 "7:ΔX,ΔY,ΔZ,rX,rY,rZ,m" 或 "4:ΔX,ΔY,旋转,尺度"，收到“${a.params.slice(0, 60)}” (params must be 7:… or 4:…)`,
    );
  if (!/^[\p{L}\p{N}_.-]{1,64}$/u.test(name) || /^[47]:/.test(name))
    throw new Invalid(`参数集名称须为 1–64 个字母、数字、_ . -，收到“${name.slice(0, 70)}” (the name must be 1–64 letters, digits, _ . -)`);
  const datum = parseOldDatum(a.datum, 'datum');
  return db.transaction(async (tx) => {
    const row = {
      name,
      datum,
      kind: p.kind,
      params: [...p.values],
      convention: p.kind === 7 ? p.given : ('position_vector' as const),
      note: a.note?.slice(0, 2000) || null,
      created_by: actor,
    };
    if (!(await repo.insertSet(tx, row)))
      throw new Conflict(
        `参数集 ${name} 已存在；参数集登记后不再修改，请另取名称 (parameter set ${name} exists; sets are never changed, use a new name)`,
      );
    await appendAudit(tx, {
      actor,
      action: 'datum_params.add',
      entity: 'datum_param_set',
      entityId: name,
      after: { ...row, params: formatParams(p) },
    });
    const stored = await repo.findSet(tx, name);
    if (!stored) throw new Error(`parameter set ${name} not found right after insert`);
    return toSet(stored);
  });
}

export async function listParamSets(db: Queryable): Promise<ParamSet[]> {
  return (await repo.listSets(db)).map(toSet);
}

export interface ChosenParams {
  params: DatumParams;
  /** Where they came from, for the record: 「命令行 --datum-params」, 「参数集 NAME」. */
  origin: string;
  setName?: string;
  setDatum?: OldDatum | null;
}

/**
 * The parameters an import names: given outright ("7:…", "4:…") or the name of a set. `via` says
 * how they were given, for the record (「命令行 --datum-params」 or 「上传字段 datumParams」).
 */
export async function chooseParams(q: Queryable, spec: string, coordinateFrame: boolean, via: string): Promise<ChosenParams> {
  const p = parseDatumSpec(spec, via, coordinateFrame);
  if (!('name' in p)) return { params: p, origin: `${via} ${formatParams(p)}` };
  if (coordinateFrame)
    throw new Invalid(`参数集 ${p.name} 登记时已定旋转约定，不能再加坐标框架约定 (a named set carries its own rotation convention)`);
  const row = await repo.findSet(q, p.name);
  if (!row)
    throw new NotFound(
      `没有名为 ${p.name} 的转换参数集（onemap datum-params list 查看已登记的参数集） (no datum parameter set named ${p.name})`,
    );
  const params: DatumParams =
    row.kind === 7
      ? { kind: 7, values: row.params as [number, number, number, number, number, number, number], given: row.convention }
      : { kind: 4, values: row.params as [number, number, number, number] };
  return {
    params,
    origin: `参数集 ${row.name}（${via}，${row.created_by} 登记于 ${row.created_at}）`,
    setName: row.name,
    setDatum: row.datum,
  };
}
