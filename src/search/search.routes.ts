// 搜索: find a place by district, detailed-plan unit (code or name), parcel code, facility or park
// name — among the layers the caller may read, inside their scope. The public therefore never
// gets a hit from a restricted layer.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import { readableLayers } from '../auth/layers.ts';
import { searchLayer } from './search.repository.ts';
import { errorSchema } from '../server/errors.ts';

/** Layers searched and the attributes that name their features (domain.md §3, §11). */
const SEARCHABLE: Record<string, string[]> = {
  XZQ: ['XZQMC', 'XZQDM'],
  XXGHDY: ['DYMC', 'DYBH'],
  ZD: ['ZDDM'],
  GGFWSS: ['SSMC'],
  GYLD: ['GYMC'],
  JC: ['JCMC'],
};

const hitSchema = {
  type: 'object',
  properties: {
    layer: { type: 'string' },
    layerName: { type: 'string' },
    fid: { type: 'string' },
    label: { type: 'string' },
    bbox: { type: 'array', items: { type: 'number' }, description: 'minLon, minLat, maxLon, maxLat (CGCS2000)' },
    center: { type: 'array', items: { type: 'number' } },
  },
} as const;

export function searchRoutes(app: FastifyInstance, db: Db): void {
  app.get<{ Querystring: { q: string; limit?: number } }>(
    '/api/search',
    {
      config: { access: 'public' },
      schema: {
        tags: ['search'],
        summary: '搜索地名、单元、宗地、设施 (search places, units, parcels, facilities)',
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 100 },
            limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
          },
        },
        response: {
          200: { type: 'object', properties: { query: { type: 'string' }, hits: { type: 'array', items: hitSchema } } },
          400: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (req) => {
      const text = req.query.q.trim();
      const limit = req.query.limit ?? 10;
      const hits = [];
      for (const scope of await readableLayers(db, req.user)) {
        const fields = SEARCHABLE[scope.layer.code];
        if (!fields || scope.layer.active_version === null || !text) continue;
        for (const h of await searchLayer(db, scope, scope.layer.active_version, fields, text, limit)) {
          hits.push({
            layer: scope.layer.code,
            layerName: scope.layer.name_zh,
            fid: h.fid,
            label: h.label,
            bbox: h.bbox,
            center: [(h.bbox[0] + h.bbox[2]) / 2, (h.bbox[1] + h.bbox[3]) / 2],
          });
        }
        if (hits.length >= limit) break;
      }
      return { query: text, hits: hits.slice(0, limit) };
    },
  );
}
