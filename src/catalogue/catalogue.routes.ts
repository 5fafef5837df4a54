// HTTP routes of the layer catalogue, its version history and file imports. Every read goes
// through the caller's layer scope (src/auth/layers.ts): the public never learns that a
// restricted layer exists.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { setLayerCoverage, updateLayerMetadata } from './catalogue.service.ts';
import { listVersions, diffVersions } from '../store/store.service.ts';
import { readableLayer, readableLayers } from '../auth/layers.ts';
import { layerSummaries } from './catalogue.service.ts';
import { importFile } from '../importers/pipeline.ts';
import { withUpload, numberField, booleanField } from '../server/upload.ts';
import { errorSchema, HttpError } from '../server/errors.ts';

const codeParam = { type: 'object', required: ['code'], properties: { code: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema } as const;
const layerItem = {
  type: 'object',
  properties: {
    code: { type: 'string' }, name: { type: 'string' }, class: { type: 'string' }, version: { type: ['integer', 'null'] }, featureCount: { type: 'integer' },
    public: { type: 'boolean' }, scope: { type: 'string', description: 'all | districts (district officers see restricted layers inside their districts only)' },
  },
} as const;
const loose = { type: 'object', additionalProperties: true } as const;
const versionItem = {
  type: 'object',
  properties: {
    version: { type: 'integer' }, active: { type: 'boolean' }, createdAt: { type: 'string' }, validFrom: { type: 'string' }, source: { type: ['string', 'null'] },
    format: { type: ['string', 'null'] }, srid: { type: ['integer', 'null'] }, featureCount: { type: 'integer' },
    areaM2: { type: 'object', properties: { ellipsoidal: { type: ['number', 'null'] }, planar: { type: ['number', 'null'] } } },
    added: { type: 'integer' }, removed: { type: 'integer' }, changed: { type: 'integer' }, createdBy: { type: ['string', 'null'] }, note: { type: ['string', 'null'] },
  },
} as const;

export function catalogueRoutes(app: FastifyInstance, db: Db, config: Config): void {
  app.get('/api/layers', {
    config: { access: 'public' },
    schema: { tags: ['layers'], summary: '图层目录 (the layers this caller may read)', response: { 200: { type: 'array', items: layerItem } } },
  }, async (req) => {
    const readable = new Map((await readableLayers(db, req.user)).map((s) => [s.layer.code, s]));
    return (await layerSummaries(db)).filter((l) => readable.has(l.code)).map((l) => ({
      code: l.code, name: l.name_zh, class: l.class, version: l.active_version, featureCount: l.feature_count, public: l.public, scope: readable.get(l.code)!.districts ? 'districts' : 'all',
    }));
  });

  app.get<{ Params: { code: string } }>('/api/layers/:code', {
    config: { access: 'public' },
    schema: { tags: ['layers'], summary: '图层元数据 (layer metadata)', params: codeParam, response: { 200: loose, ...errors } },
  }, async (req) => (await readableLayer(db, req.user, req.params.code)).layer);

  app.get<{ Params: { code: string } }>('/api/layers/:code/versions', {
    config: { access: 'public' },
    schema: { tags: ['layers'], summary: '版本历史 (version history)', params: codeParam, response: { 200: { type: 'array', items: versionItem }, ...errors } },
  }, async (req) => listVersions(db, (await readableLayer(db, req.user, req.params.code)).layer.code));

  app.get<{ Params: { code: string }; Querystring: { from: number; to: number } }>('/api/layers/:code/diff', {
    config: { access: 'public' },
    schema: {
      tags: ['layers'], summary: '版本对比 (what changed between two versions)', params: codeParam,
      querystring: { type: 'object', required: ['from', 'to'], properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } } },
      response: { 200: loose, ...errors },
    },
  }, async (req) => {
    const s = await readableLayer(db, req.user, req.params.code);
    // A diff lists features city-wide; a district officer sees a restricted layer only inside their districts.
    if (s.districts) throw new HttpError(403, `版本对比列出全市要素；区县人员只能查看辖区内的 ${s.layer.code} (a diff of a restricted layer is city-wide: not for district officers)`);
    return diffVersions(db, s.layer.code, req.query.from, req.query.to);
  });

  // Where the layer's data is complete; null clears it (= the whole city).
  app.put<{ Params: { code: string }; Body: { coverage: unknown } }>('/api/layers/:code/coverage', {
    config: { access: ['admin'] },
    bodyLimit: config.limits.jsonBytes,
    schema: {
      tags: ['layers'], summary: '声明数据覆盖范围 (declare where the layer is complete; administrators)', params: codeParam,
      body: { type: 'object', required: ['coverage'], properties: { coverage: { type: ['object', 'null'] } } }, response: { 200: loose, ...errors },
    },
  }, async (req) => setLayerCoverage(db, req.params.code, req.body.coverage, req.user.username));

  // Descriptive metadata (source, date, legal basis, owner, statutory); not the public flag.
  app.patch<{ Params: { code: string }; Body: Record<string, string | boolean | null> }>('/api/layers/:code', {
    config: { access: ['admin'] },
    schema: {
      tags: ['layers'], summary: '修改图层元数据 (edit a layer\'s descriptive metadata; administrators)', params: codeParam,
      body: {
        type: 'object', minProperties: 1,
        properties: {
          name_zh: { type: 'string', minLength: 1, maxLength: 100 }, name_en: { type: ['string', 'null'], maxLength: 200 }, source: { type: ['string', 'null'], maxLength: 500 },
          legal_basis: { type: ['string', 'null'], maxLength: 1000 }, owner_dept: { type: ['string', 'null'], maxLength: 200 },
          data_date: { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, description: { type: ['string', 'null'], maxLength: 5000 }, statutory: { type: 'boolean' },
        },
      },
      response: { 200: loose, ...errors },
    },
  }, async (req) => updateLayerMetadata(db, req.params.code, req.body, req.user.username));

  // Import a file as the layer's next version (the same pipeline as `onemap import`).
  app.post<{ Params: { code: string } }>('/api/layers/:code/import', {
    config: { access: ['planner', 'district'], timeoutMs: config.limits.uploadTimeoutMs },
    schema: {
      tags: ['layers'], consumes: ['multipart/form-data'],
      summary: '导入数据 (upload Shapefile (.zip or parts), GeoPackage, GeoJSON or coordinate TXT as a new version; fields: encoding, srid, makeValid, skipEmpty, sourceLayer, asOf, dryRun, note)',
      params: codeParam, response: { 201: loose, 413: errorSchema, 415: errorSchema, ...errors },
    },
  }, async (req, reply) => {
    // The layer must be known or creatable; a restricted layer looks unknown to nobody here (staff only).
    const r = await withUpload(req, async (u) => {
      const f = u.fields;
      const asOf = f.asOf ? new Date(f.asOf) : undefined;
      if (asOf && Number.isNaN(asOf.getTime())) throw new HttpError(400, `field asOf must be a date like 2025-06-30, got "${f.asOf.slice(0, 40)}"`);
      return importFile(db, config, u.path, {
        layer: req.params.code, encoding: f.encoding || undefined, srid: numberField(f, 'srid'), makeValid: booleanField(f, 'makeValid'), skipEmpty: booleanField(f, 'skipEmpty'),
        sourceLayer: f.sourceLayer || undefined, validFrom: asOf?.toISOString(), dryRun: booleanField(f, 'dryRun'), note: f.note?.slice(0, 2000), user: req.user.username, actor: req.user,
      });
    });
    return reply.code(201).send(r);
  });
}
