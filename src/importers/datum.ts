// Old datums with the bureau's parameters (issue 18 item 4, decision 0012): coordinates in Xian 1980
// or Beijing 1954 reach CGCS2000 only through a 7-parameter Bursa–Wolf or a 4-parameter plane
// transformation the bureau supplies. This module reads the parameters (command line, upload
// field, a named set, the TXT's 转换参数=) and turns them into what PostGIS applies to the staged
// geometries: an ST_Transform between two PROJ strings, or an ST_Affine. Without parameters the
// import is refused, naming the three ways to give them.
import { Invalid } from '../errors.ts';
import { cgcs2000Twin, describeOldFrame, projStrings, type OldDatum, type OldFrame } from '../crs/olddatums.ts';
import { ImportError } from './types.ts';
import type { StageTransform } from '../store/store.repository.ts';

export type Convention = 'position_vector' | 'coordinate_frame';

/**
 * 7: ΔX ΔY ΔZ (m), rotations rX rY rZ (arc-seconds), scale s (ppm), always held in the position-
 * vector convention (EPSG 9606 = PROJ +towgs84); `given` says how the user wrote them.
 * 4: ΔX (north) ΔY (east) in metres, rotation (arc-seconds), scale (ppm), on the projected plane.
 */
export type DatumParams =
  | { kind: 7; values: [number, number, number, number, number, number, number]; given: Convention }
  | { kind: 4; values: [number, number, number, number] };

export interface DatumPlan {
  transform: StageTransform;
  /** The CGCS2000 system the staged coordinates are in afterwards. */
  srid: number;
  /** Appended to the CRS note kept with the version (layer_version.source_crs). */
  note: string;
  /** For the audit entry: what was applied, in numbers. */
  record: { from: number; to: number; kind: 7 | 4; values: number[]; convention?: Convention; origin: string };
}

const NUM = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const HALF = (t: string) => t.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));

function numbers(list: string[], what: string): number[] {
  return list.map((v, i) => {
    if (!NUM.test(v)) throw new Invalid(`${what} 第 ${i + 1} 个参数“${v.slice(0, 20)}”不是数 (parameter ${i + 1} is not a number)`);
    return Number(v);
  });
}

/** Flips the rotation signs of coordinate-frame parameters (EPSG 9607) into position vector. */
function seven(v: number[], given: Convention): DatumParams {
  const [dx, dy, dz, rx, ry, rz, s] = v;
  const f = given === 'coordinate_frame' ? -1 : 1;
  return { kind: 7, values: [dx, dy, dz, f * rx, f * ry, f * rz, s], given };
}

/**
 * "7:dx,dy,dz,rx,ry,rz,s" or "4:dx,dy,rot,scale" → parameters; anything else that looks like a
 * name → { name } (a set kept by administrators). `coordinateFrame` says the 7 rotations were
 * written in the coordinate-frame convention (EPSG 9607) and flips their signs.
 */
export function parseDatumSpec(text: string, what: string, coordinateFrame = false): DatumParams | { name: string } {
  const t = HALF(text.trim());
  const m = /^([47])\s*[:：]\s*(.*)$/.exec(t);
  if (!m) {
    if (/^[\p{L}\p{N}_.-]{1,64}$/u.test(t)) return { name: t };
    throw new Invalid(
      `${what} 须为 "7:ΔX,ΔY,ΔZ,rX,rY,rZ,m"（米、角秒、ppm）、"4:ΔX,ΔY,旋转,尺度"（米、角秒、ppm）或参数集名称，收到“${text.slice(0, 60)}” (${what} must be 7:…, 4:… or the name of a parameter set)`,
    );
  }
  const parts = m[2].split(/\s*,\s*/);
  const kind = Number(m[1]) as 4 | 7;
  if (parts.length !== kind)
    throw new Invalid(`${what}：${kind} 参数须给出 ${kind} 个数，收到 ${parts.length} 个 (${kind}-parameter set needs ${kind} numbers)`);
  const v = numbers(parts, what);
  if (kind === 4) {
    if (coordinateFrame)
      throw new Invalid(`${what}：坐标框架旋转约定只用于七参数 (the coordinate-frame flag applies to 7 parameters only)`);
    return { kind: 4, values: [v[0], v[1], v[2], v[3]] };
  }
  return seven(v, coordinateFrame ? 'coordinate_frame' : 'position_vector');
}

/**
 * The TXT header's 转换参数= (domain.md §10): seven values ΔX,ΔY,ΔZ,rX,rY,rZ,m or four ΔX,ΔY,旋转,尺度.
 * Empty fields or all zeros mean "not known" (the format's placeholder is ",,,,,,"), so a file
 * that states nothing is refused rather than taken as the identity.
 */
export function parseHeaderParams(text: string | undefined, path: string, coordinateFrame = false): DatumParams | undefined {
  if (text === undefined) return undefined;
  const parts = HALF(text)
    .split(/[,，]/)
    .map((p) => p.trim());
  if (parts.every((p) => p === '' || (NUM.test(p) && Number(p) === 0))) return undefined;
  if (parts.length !== 7 && parts.length !== 4)
    throw new ImportError({
      file: path,
      reason: `[属性描述] 转换参数=${text}：须为 7 个数（ΔX,ΔY,ΔZ,rX,rY,rZ,m）或 4 个数（ΔX,ΔY,旋转,尺度），收到 ${parts.length} 个 (转换参数 must hold 7 or 4 numbers)`,
    });
  try {
    const v = numbers(parts, '转换参数');
    return parts.length === 4
      ? { kind: 4, values: [v[0], v[1], v[2], v[3]] }
      : seven(v, coordinateFrame ? 'coordinate_frame' : 'position_vector');
  } catch (e) {
    throw new ImportError({ file: path, reason: `[属性描述] 转换参数=${text}：${(e as Error).message}` });
  }
}

/** "7:…" / "4:…" in position-vector form, as a named set is kept and shown. */
export function formatParams(p: DatumParams): string {
  return `${p.kind}:${p.values.join(',')}`;
}

const ARCSEC = Math.PI / (180 * 3600);

function describeParams(p: DatumParams): string {
  if (p.kind === 4) {
    const [dx, dy, r, s] = p.values;
    return `四参数平面相似变换 ΔX(北)=${dx} m、ΔY(东)=${dy} m、旋转=${r}″、尺度=${s} ppm（作用于去掉带号的高斯平面坐标）`;
  }
  const [dx, dy, dz, rx, ry, rz, s] = p.values;
  const flipped = p.given === 'coordinate_frame' ? '，按坐标框架约定（EPSG:9607）给出，旋转已换号' : '';
  return (
    `七参数布尔莎变换（位置矢量旋转约定，EPSG:9606，即 PROJ +towgs84${flipped}）ΔX=${dx} m、ΔY=${dy} m、ΔZ=${dz} m、` +
    `rX=${rx}″、rY=${ry}″、rZ=${rz}″、m=${s} ppm`
  );
}

/**
 * How the staged coordinates of `frame` become CGCS2000 with `params`. The 7 parameters go through
 * PROJ (inverse projection on the old ellipsoid → geocentric → Bursa–Wolf → CGCS2000 ellipsoid →
 * the same projection); the 4 parameters are an ST_Affine on the plane, after which the coordinates
 * are taken as the CGCS2000 zone of the same number.
 */
export function planDatumTransform(frame: OldFrame, params: DatumParams, origin: string, path: string): DatumPlan {
  const srid = cgcs2000Twin(frame);
  let transform: StageTransform;
  if (params.kind === 7) {
    transform = { kind: 'proj', ...projStrings(frame, params.values) };
  } else {
    if (frame.kind !== 'gk')
      throw new ImportError({
        file: path,
        reason: `四参数是高斯平面坐标的变换，而数据为 ${describeOldFrame(frame)} 经纬度：请改用七参数 (4 parameters apply to projected coordinates; use 7 for longitude/latitude)`,
      });
    // Surveyors' form, X = northing, Y = easting without the zone prefix:
    //   X' = ΔX + k(X cosθ − Y sinθ),  Y' = ΔY + k(X sinθ + Y cosθ),  k = 1 + m·1e-6.
    // In GIS order (x = easting E incl. prefix P, y = northing N), with E = x − P:
    //   x' = k cosθ·x + k sinθ·y + ΔY + P − k cosθ·P,   y' = −k sinθ·x + k cosθ·y + ΔX + k sinθ·P.
    const [dx, dy, rot, ppm] = params.values;
    const k = 1 + ppm * 1e-6;
    const c = k * Math.cos(rot * ARCSEC);
    const s = k * Math.sin(rot * ARCSEC);
    const P = frame.prefixed ? frame.zone! * 1e6 : 0;
    transform = { kind: 'affine', a: c, b: s, d: -s, e: c, xoff: dy + P - c * P, yoff: dx + s * P };
  }
  const note = `${describeOldFrame(frame)} 按${describeParams(params)}换算为 CGCS2000 (EPSG:${srid})，CGCS2000 取 +towgs84=0；参数来自${origin} (converted from ${frame.datum === 'xian80' ? 'Xian 1980' : 'Beijing 1954'} with the ${params.kind} parameters given)`;
  return {
    transform,
    srid,
    note,
    record: {
      from: frame.srid,
      to: srid,
      kind: params.kind,
      values: [...params.values],
      ...(params.kind === 7 ? { convention: params.given } : {}),
      origin,
    },
  };
}

/** The refusal when an old-datum file comes without parameters: what to supply, three ways. */
export function missingParams(path: string, frame: OldFrame, whence: string): ImportError {
  return new ImportError({
    file: path,
    reason:
      `数据为 ${describeOldFrame(frame)}（${whence}），须用本地的转换参数换算到 CGCS2000，系统不猜测参数。请任选其一提供：` +
      `① 命令行 --datum-params "7:ΔX,ΔY,ΔZ,rX,rY,rZ,m"（米、角秒、ppm，位置矢量约定；坐标框架约定另加 --coordinate-frame）或 "4:ΔX,ΔY,旋转,尺度"（上传时填 datumParams 字段）；` +
      `② 管理员登记的参数集名称 --datum-params 名称（onemap datum-params list 查看）；` +
      `③ 坐标 TXT 的 [属性描述] 中写 转换参数=ΔX,ΔY,ΔZ,rX,rY,rZ,m。` +
      ` (${frame.datum === 'xian80' ? 'Xian 1980' : 'Beijing 1954'} coordinates need the bureau's transformation parameters: give --datum-params 7:…|4:…|NAME, or 转换参数= in the TXT header)`,
  });
}

/** A named set is for one old datum: applying it to the other is refused. */
export function assertSetDatum(name: string, setDatum: OldDatum | null, frame: OldFrame, path: string): void {
  if (setDatum && setDatum !== frame.datum)
    throw new ImportError({
      file: path,
      reason: `参数集 ${name} 用于 ${setDatum === 'xian80' ? '1980 西安坐标系' : '1954 北京坐标系'}，而数据为 ${describeOldFrame(frame)} (parameter set ${name} is for another datum)`,
    });
}
