// .prj (ESRI or OGC WKT) → EPSG code. A full WKT interpreter is overkill: the files bureaus receive
// describe a handful of systems (CGCS2000 geographic and Gauss-Krüger zones, WGS84, Web Mercator),
// and for GK zones the parameters decide, not the name, because surveying software writes names
// like "CGCS2000_3_Degree_GK_CM_120E", "CGCS2000 / 3-degree Gauss-Kruger zone 40" or "Hangzhou_2000".
import { gkSrid, zoneOfSrid } from '../../crs/zones.ts';
import { oldDatumSrid, oldFrameOfSrid } from '../../crs/olddatums.ts';

interface Node {
  keyword: string;
  args: (string | number | Node)[];
}

function parseWkt(text: string): Node {
  const re = /(?:([A-Za-z_][A-Za-z0-9_]*)|"((?:[^"]|"")*)"|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|([[(])|([\])])|(,))/y;
  let m: RegExpExecArray | null;
  const stack: Node[] = [];
  let root: Node | undefined;
  let pendingWord: string | undefined;
  const pushValue = (v: string | number | Node) => {
    if (!stack.length) throw new Error('value outside brackets');
    stack[stack.length - 1].args.push(v);
  };
  const flushWord = () => {
    // A bare word not followed by a bracket is an enum value such as NORTH or EAST.
    if (pendingWord !== undefined) pushValue(pendingWord);
    pendingWord = undefined;
  };
  let pos = 0;
  for (;;) {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
    if (pos >= text.length) break;
    re.lastIndex = pos;
    if (!(m = re.exec(text))) throw new Error(`unexpected text at character ${pos}`);
    pos = re.lastIndex;
    if (m[1] !== undefined) {
      flushWord();
      pendingWord = m[1];
    } else if (m[2] !== undefined) {
      flushWord();
      pushValue(m[2].replace(/""/g, '"'));
    } else if (m[3] !== undefined) {
      flushWord();
      pushValue(Number(m[3]));
    } else if (m[4] !== undefined) {
      if (pendingWord === undefined) throw new Error('bracket without a keyword');
      const node: Node = { keyword: pendingWord.toUpperCase(), args: [] };
      pendingWord = undefined;
      if (stack.length) stack[stack.length - 1].args.push(node);
      else if (!root) root = node;
      else throw new Error('text after the end of the WKT');
      stack.push(node);
    } else if (m[5] !== undefined) {
      flushWord();
      if (!stack.pop()) throw new Error('unbalanced brackets');
    } else flushWord();
  }
  if (!root || stack.length) throw new Error('unbalanced brackets');
  return root;
}

const children = (n: Node, kw: string[]): Node[] => n.args.filter((a): a is Node => typeof a === 'object' && kw.includes(a.keyword));
const child = (n: Node, kw: string[]): Node | undefined => children(n, kw)[0];
function find(n: Node, kw: string[]): Node | undefined {
  for (const a of n.args) {
    if (typeof a !== 'object') continue;
    if (kw.includes(a.keyword)) return a;
    const hit = find(a, kw);
    if (hit) return hit;
  }
  return undefined;
}
const nameOf = (n: Node | undefined): string => (n && typeof n.args[0] === 'string' ? n.args[0] : '');
const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

type Datum = 'cgcs2000' | 'wgs84' | 'beijing54' | 'xian80' | 'other';

function classifyDatum(datumName: string, geogName: string): Datum {
  const d = squash(`${datumName} ${geogName}`);
  // Checked before CGCS2000: "New_Beijing" and Xian 1980 also mention years and China.
  if (d.includes('beijing')) return 'beijing54';
  if (d.includes('xian')) return 'xian80';
  if (d.includes('china2000') || d.includes('cgcs2000') || d.includes('chinageodeticcoordinatesystem2000')) return 'cgcs2000';
  if (d.includes('wgs1984') || d.includes('wgs84') || d.includes('worldgeodeticsystem1984')) return 'wgs84';
  return 'other';
}

const PARAM_ALIASES: Record<string, string> = {
  centralmeridian: 'cm',
  longitudeofnaturalorigin: 'cm',
  longitudeofcenter: 'cm',
  falseeasting: 'fe',
  falsenorthing: 'fn',
  scalefactor: 'k',
  scalefactoratnaturalorigin: 'k',
  latitudeoforigin: 'lat0',
  latitudeofnaturalorigin: 'lat0',
};

function params(top: Node): Record<string, number> {
  const out: Record<string, number> = {};
  const visit = (n: Node) => {
    for (const a of n.args) {
      if (typeof a !== 'object') continue;
      if (a.keyword === 'PARAMETER' && typeof a.args[0] === 'string' && typeof a.args[1] === 'number') {
        const key = PARAM_ALIASES[squash(a.args[0])];
        if (key) out[key] = a.args[1];
      } else if (!['GEOGCS', 'BASEGEOGCRS', 'BASEGEODCRS'].includes(a.keyword)) visit(a);
    }
  };
  visit(top);
  return out;
}

function authority(top: Node): number | undefined {
  for (const a of children(top, ['AUTHORITY', 'ID'])) {
    if (typeof a.args[0] === 'string' && a.args[0].toUpperCase() === 'EPSG') {
      const code = Number(a.args[1]);
      if (Number.isInteger(code) && code > 0) return code;
    }
  }
  return undefined;
}

function gkFromParams(name: string, p: Record<string, number>): number {
  const what = `${name}: central_meridian ${p.cm}, false_easting ${p.fe}`;
  if (p.cm === undefined || p.fe === undefined)
    throw new Error(`${what}: a Gauss-Krüger projection without central meridian or false easting`);
  if ((p.k ?? 1) !== 1 || (p.lat0 ?? 0) !== 0 || (p.fn ?? 0) !== 0) {
    throw new Error(
      `${what}, scale_factor ${p.k}, latitude_of_origin ${p.lat0}, false_northing ${p.fn}: not a standard Gauss-Krüger zone (scale 1, origin 0)`,
    );
  }
  const prefixed = p.fe !== 500000;
  const prefixZone = (p.fe - 500000) / 1e6;
  if (prefixed && !(Number.isInteger(prefixZone) && prefixZone > 0))
    throw new Error(`${what}: false easting is neither 500000 nor <zone>500000 (a local grid?)`);
  const n = squash(name);
  let width: 3 | 6 | undefined = /3deg/.test(n) ? 3 : /6deg/.test(n) ? 6 : undefined;
  if (!width && prefixed) width = p.cm === prefixZone * 3 ? 3 : p.cm === prefixZone * 6 - 3 ? 6 : undefined;
  // ESRI names 6° zones "CGCS2000_GK_Zone_21" / "Xian_1980_GK_CM_123E" (no "Degree"); anything else
  // unprefixed is taken as 3°, the zoning bureaus use at large scales (the math is the same either way).
  if (!width) width = /^(cgcs2000|xian1980|beijing1954)(gk|gausskruger)(zone|cm)/.test(n) ? 6 : 3;
  const zone = width === 3 ? p.cm / 3 : (p.cm + 3) / 6;
  if (!Number.isInteger(zone)) throw new Error(`${what}: central meridian ${p.cm}° is not that of a ${width}° zone`);
  if (prefixed && zone !== prefixZone)
    throw new Error(`${what}: the false easting says zone ${prefixZone} but the central meridian is that of ${width}° zone ${zone}`);
  try {
    return gkSrid(width, zone, prefixed);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Xian 1980 / Beijing 1954 (decision 0012): recognised as the EPSG code of the system, geographic or
 * a Gauss-Krüger zone read from the parameters as for CGCS2000. The import then needs the bureau's
 * transformation parameters (src/importers/datum-apply.ts), or it is refused there.
 */
function oldDatumPrj(top: Node, datum: 'xian80' | 'beijing54', name: string, datumName: string): { srid: number; source: string } {
  const label = datum === 'xian80' ? 'Xian 1980' : 'Beijing 1954';
  const source = `.prj ${name}（${label}，datum ${datumName}）`;
  const code = authority(top);
  if (code && oldFrameOfSrid(code)?.datum === datum) return { srid: code, source: `${source} (EPSG:${code})` };
  const projected = top.keyword === 'PROJCS' || top.keyword === 'PROJCRS';
  if (!projected) return { srid: oldDatumSrid(datum), source };
  const method = squash(nameOf(find(top, ['PROJECTION', 'METHOD'])));
  const unit = child(top, ['UNIT', 'LENGTHUNIT']);
  if (/gausskruger|transversemercator/.test(method) && !(unit && typeof unit.args[1] === 'number' && unit.args[1] !== 1)) {
    try {
      const z = zoneOfSrid(gkFromParams(name, params(top)))!;
      return { srid: oldDatumSrid(datum, z), source };
    } catch (e) {
      throw new Error(`.prj ${(e as Error).message}; pass --srid with the EPSG code`, { cause: e });
    }
  }
  throw new Error(
    `.prj 描述 "${name}"（${label}）的投影不是以米为单位的高斯-克吕格投影，无法识别；请以 --srid 指定 EPSG 代码 (a ${label} .prj that is not a Gauss-Krüger projection in metres; pass --srid)`,
  );
}

/**
 * Recognises the coordinate system a .prj describes. Throws an Error naming what was found (and
 * telling the user to pass --srid) when the system is unknown. Beijing 1954 and Xian 1980 come back
 * as their EPSG codes: the import asks for the transformation parameters (decision 0012).
 */
export function prjToSrid(wkt: string): { srid: number; source: string } {
  let top: Node;
  try {
    top = parseWkt(wkt.replace(/^\uFEFF/, '').trim());
  } catch (e) {
    throw new Error(`.prj is not readable WKT (${(e as Error).message}); pass --srid with the EPSG code`, { cause: e });
  }
  const name = nameOf(top);
  const source = `.prj ${name}`;
  const geog =
    top.keyword.startsWith('GEOG') || top.keyword === 'GEODCRS' ? top : find(top, ['GEOGCS', 'BASEGEOGCRS', 'BASEGEODCRS', 'GEOGCRS']);
  const datumName = nameOf(geog ? find(geog, ['DATUM']) : find(top, ['DATUM']));
  const datum = classifyDatum(datumName, nameOf(geog));
  if (datum === 'beijing54' || datum === 'xian80') return oldDatumPrj(top, datum, name, datumName || nameOf(geog));
  const code = authority(top);
  if (code) return { srid: code, source: `${source} (EPSG:${code})` };

  const projected = top.keyword === 'PROJCS' || top.keyword === 'PROJCRS';
  if (!projected) {
    if (datum === 'cgcs2000') return { srid: 4490, source };
    if (datum === 'wgs84') return { srid: 4326, source };
  } else {
    const method = squash(nameOf(find(top, ['PROJECTION', 'METHOD'])));
    const n = squash(name);
    if (/webmercator|pseudomercator|auxiliarysphere/.test(n) || /mercatorauxiliarysphere|pseudomercator/.test(method))
      return { srid: 3857, source };
    const unit = child(top, ['UNIT', 'LENGTHUNIT']);
    if (unit && typeof unit.args[1] === 'number' && unit.args[1] !== 1) {
      throw new Error(
        `.prj describes "${name}" with unit ${nameOf(unit)} (${unit.args[1]} m); only metres are supported; pass --srid with the EPSG code`,
      );
    }
    if (datum === 'cgcs2000' && /gausskruger|transversemercator/.test(method)) {
      try {
        return { srid: gkFromParams(name, params(top)), source };
      } catch (e) {
        throw new Error(`.prj ${(e as Error).message}; pass --srid with the EPSG code`, { cause: e });
      }
    }
  }
  const method = nameOf(find(top, ['PROJECTION', 'METHOD']));
  throw new Error(
    `.prj describes "${name}" (datum ${datumName || 'unknown'}${method ? `, projection ${method}` : ''}), ` +
      "which onemap does not recognise; pass --srid with the EPSG code of the file's coordinates",
  );
}
