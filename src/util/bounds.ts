// Checks of one request's content against the input bounds (config.ts INPUT_BOUNDS, issue 22
// item 2): vertices of GeoJSON and of WKB, attributes of a feature, ids. Pure counting, no
// database: the point is to refuse before PostGIS or the staging table sees the input. Every
// refusal names the bound and the value received, Chinese first; counts over a bound are
// TooLarge (413), values too long are Invalid (400).
import { Invalid, TooLarge } from '../errors.ts';
import { walkWkb } from './wkb.ts';

const n = (v: number) => v.toLocaleString('en-US');

/** Positions in a GeoJSON geometry (any type, nested collections too), counted without recursion. */
export function geojsonVertices(geometry: unknown): number {
  let count = 0;
  const stack: unknown[] = [geometry];
  while (stack.length) {
    const g = stack.pop();
    if (!g || typeof g !== 'object') continue;
    const o = g as { coordinates?: unknown; geometries?: unknown };
    if (Array.isArray(o.geometries)) stack.push(...o.geometries);
    if (Array.isArray(o.coordinates)) count += positions(o.coordinates);
  }
  return count;
}

/** Positions in a coordinates array: an array whose first member is a number is one position. */
function positions(coords: unknown[]): number {
  let count = 0;
  const stack: unknown[] = [coords];
  while (stack.length) {
    const a = stack.pop();
    if (!Array.isArray(a) || a.length === 0) continue;
    if (typeof a[0] === 'number') count++;
    else for (const x of a) stack.push(x);
  }
  return count;
}

/** Points in a WKB geometry (either byte order, ISO or EWKB flags), read from the headers only. */
export function wkbVertices(buf: Buffer): number {
  let count = 0;
  walkWkb(buf, (_pos, n) => {
    count += n;
  });
  return count;
}

/** One geometry over its bound → 413: 「几何共 12,345 个节点，超过每个几何上限 10,000 个」. */
export function assertGeometryVertices(count: number, bound: number, what: string, scope = '每个几何'): void {
  if (count > bound)
    throw new TooLarge(`${what}共 ${n(count)} 个节点，超过${scope}上限 ${n(bound)} 个 (${n(count)} vertices, the limit is ${n(bound)})`, {
      code: 'too_many_vertices',
    });
}

/** All geometries of one request over their bound → 413. */
export function assertRequestVertices(count: number, bound: number, what: string, scope = '每次请求'): void {
  if (count > bound)
    throw new TooLarge(
      `${what}共 ${n(count)} 个节点，超过${scope}上限 ${n(bound)} 个 (${n(count)} vertices in one request, the limit is ${n(bound)})`,
      {
        code: 'too_many_vertices',
      },
    );
}

/** Features, parcels or points of one request over their bound → 413. */
export function assertCount(
  count: number,
  bound: number,
  what: string,
  unit: string,
  code = 'too_many_features',
  scope = '每次请求',
): void {
  if (count > bound)
    throw new TooLarge(
      `${what}共 ${n(count)} 个${unit}，超过${scope}上限 ${n(bound)} 个 (${n(count)} ${code.replace('too_many_', '')}, the limit is ${n(bound)})`,
      {
        code,
      },
    );
}

/** A feature's attributes: how many, and how long each value is as text → 400. */
export function assertAttributes(
  props: Record<string, unknown> | null | undefined,
  bounds: { attributesPerFeature: number; attributeChars: number },
  what: string,
): void {
  if (!props || typeof props !== 'object') return;
  const keys = Object.keys(props);
  if (keys.length > bounds.attributesPerFeature)
    throw new Invalid(
      `${what}有 ${n(keys.length)} 个属性，超过每个要素上限 ${n(bounds.attributesPerFeature)} 个 (${n(keys.length)} attributes, the limit is ${n(bounds.attributesPerFeature)})`,
      { code: 'too_many_attributes' },
    );
  for (const k of keys) {
    const v = props[k];
    const len = typeof v === 'string' ? v.length : v !== null && typeof v === 'object' ? JSON.stringify(v).length : 0;
    if (len > bounds.attributeChars || k.length > bounds.attributeChars)
      throw new Invalid(
        `${what}的属性 ${k.slice(0, 64)} 长 ${n(Math.max(len, k.length))} 个字符，超过上限 ${n(bounds.attributeChars)} 个 (attribute ${k.slice(0, 64)} is ${n(Math.max(len, k.length))} characters long, the limit is ${n(bounds.attributeChars)})`,
        { code: 'attribute_too_long' },
      );
  }
}

/** An id or code (path or query parameter, feature id) longer than the bound → 400. */
export function assertIdLength(value: string, bound: number, what: string): void {
  if (value.length > bound)
    throw new Invalid(
      `${what} 长 ${n(value.length)} 个字符，超过上限 ${n(bound)} 个 (${what} is ${n(value.length)} characters long, the limit is ${n(bound)})`,
      {
        code: 'id_too_long',
      },
    );
}
