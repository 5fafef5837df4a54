// The input bounds (config.ts INPUT_BOUNDS) on every route, before validation walks the body:
// - path parameters and id-like query parameters (codes, ids, names) no longer than idChars;
// - in a JSON body, every GeoJSON geometry within geometryVertices (drawnVertices on routes the
//   table marks `drawn`), all of them together within requestVertices, Features within
//   reviewParcels, and each Feature's properties within the attribute bounds.
// Bodies reach this hook already checked for depth (input.ts), so the walk is short. Files
// (imports, review uploads) are counted as they are read (importers/pipeline.ts stageAndCheck).
import type { FastifyInstance } from 'fastify';
import type { InputBounds } from '../config.ts';
import {
  assertAttributes,
  assertCount,
  assertGeometryVertices,
  assertIdLength,
  assertRequestVertices,
  geojsonVertices,
} from '../util/bounds.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes a geometry drawn on the map: held to drawnVertices. */
    drawn?: boolean;
  }
}

/** Query parameters that carry an id, code or name (free text — q, filter, bbox — is bounded by the URL size). */
const ID_QUERY =
  /^(id|code|layer|layers|name|key|username|actor|district|region|type|kind|status|stage|facility|collection)$|(Id|Code|Name)$/;

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

function checkBody(body: unknown, b: InputBounds, drawn: boolean): void {
  const perGeometry = drawn ? b.drawnVertices : b.geometryVertices;
  const perRequest = drawn ? b.drawnVertices : b.requestVertices;
  let vertices = 0;
  let features = 0;
  const stack: unknown[] = [body];
  while (stack.length) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === 'object') stack.push(x);
      continue;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.type === 'string' && GEOMETRY_TYPES.has(o.type) && (Array.isArray(o.coordinates) || Array.isArray(o.geometries))) {
      const n = geojsonVertices(o);
      assertGeometryVertices(n, perGeometry, drawn ? '绘制的几何' : '请求中的一个几何', drawn ? '每次量算' : '每个几何');
      vertices += n;
      continue;
    }
    if (o.type === 'Feature') {
      features++;
      const id = o.id;
      if (typeof id === 'string') assertIdLength(id, b.idChars, `要素编号（第 ${features} 个要素）`);
      if (o.properties && typeof o.properties === 'object' && !Array.isArray(o.properties))
        assertAttributes(o.properties as Record<string, unknown>, b, `第 ${features} 个要素`);
      if (o.geometry) stack.push(o.geometry);
      continue;
    }
    for (const x of Object.values(o)) if (x && typeof x === 'object') stack.push(x);
  }
  assertRequestVertices(vertices, perRequest, '请求中的几何', drawn ? '每次量算' : '每次请求');
  assertCount(features, b.reviewParcels, '请求中的要素', '要素');
}

export function installInputBounds(app: FastifyInstance, bounds: InputBounds): void {
  app.addHook('preValidation', async (req) => {
    const params = (req.params ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(params)) {
      // '*': the wildcard of static files and the web application's page paths, not an id.
      if (k !== '*' && typeof v === 'string') assertIdLength(v, bounds.idChars, `路径参数 ${k}`);
    }
    const query = (req.query ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(query)) {
      if (!ID_QUERY.test(k)) continue;
      for (const s of [v].flat()) if (typeof s === 'string') assertIdLength(s, bounds.idChars, `查询参数 ${k}`);
    }
    if (req.body && typeof req.body === 'object') checkBody(req.body, bounds, !!req.routeOptions.config?.drawn);
  });
}
