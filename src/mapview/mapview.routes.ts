// HTTP routes of the One Map viewer (一张图), under /api/map. All public: what each caller gets is
// decided per layer by auth/layers.ts (the public reads public layers only; a restricted code
// answers like an unknown one), so the same routes serve the staff viewer and any public page.
//   GET  /api/map/layers                     the catalogue as the viewer draws it (class, style, legal basis)
//   GET  /api/map/identify?lon&lat           every readable feature at a point, with attributes and legal basis
//   POST /api/map/measure                    length / area of a drawn geometry (ellipsoidal and planar, m² and 亩)
//   GET  /api/map/layers/:code/fields        attributes of a layer, with types (for thematic maps)
//   GET  /api/map/layers/:code/classes       categories or class breaks of an attribute (thematic maps)
//   GET  /api/map/layers/:code/changes       what changed between two versions, with geometry (compare view)
//   GET  /api/map/layers/:code/labels        name points of a layer's features (HTML labels on the map)
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import { identify, labelPoints, versionChanges, viewerCatalogue } from './mapview.service.ts';
import { measureGeometry } from './measure.ts';
import { layerFields, thematicClasses, type ThematicMethod } from './thematic.ts';
import { warmTransforms } from './mapview.repository.ts';
import * as s from './mapview.schemas.ts';

const tags = ['map'];
const access = { access: 'public' as const };

export function mapviewRoutes(app: FastifyInstance, db: Db, config: Config): void {
  // When the server starts listening (not in tests that only inject), load PostGIS's projection
  // data in the background so the first visitor's first map paint does not pay for it.
  app.addHook('onListen', async () => {
    void warmTransforms(db).catch((e: Error) => app.log.warn(`map warm-up failed: ${e.message}`));
  });

  app.get(
    '/api/map/layers',
    {
      config: access,
      schema: {
        tags,
        summary: '一张图图层目录 (the layers this caller may read, with class, style, versions and legal basis)',
        response: { 200: s.catalogueResponse, 429: s.errors[429] },
      },
    },
    async (req) => viewerCatalogue(db, req.user),
  );

  app.get<{ Querystring: { lon: number; lat: number; tolerance?: number; layers?: string } }>(
    '/api/map/identify',
    {
      config: access,
      schema: {
        tags,
        summary: '点选查询 (identify: features of every readable layer at a point, with attributes and legal basis)',
        querystring: s.identifyQuery,
        response: { 200: s.identifyResponse, ...s.errors },
      },
    },
    async (req) =>
      identify(db, config, req.user, {
        lon: req.query.lon,
        lat: req.query.lat,
        toleranceM: req.query.tolerance,
        codes: req.query.layers
          ?.split(',')
          .map((c) => c.trim())
          .filter(Boolean),
      }),
  );

  app.post<{ Body: { geometry: unknown; srid?: number } }>(
    '/api/map/measure',
    {
      config: access,
      schema: {
        tags,
        summary: '量算 (measure a geometry: length and area, ellipsoidal and planar, in m² and 亩)',
        body: s.measureBody,
        response: { 200: s.measureResponse, ...s.errors },
      },
    },
    async (req) => measureGeometry(db, req.body.geometry, req.body.srid),
  );

  app.get<{ Params: { code: string } }>(
    '/api/map/layers/:code/fields',
    {
      config: access,
      schema: {
        tags,
        summary: '图层字段 (attributes of a layer with their types)',
        params: s.codeParam,
        response: { 200: s.fieldsResponse, ...s.errors },
      },
    },
    async (req) => layerFields(db, req.user, req.params.code),
  );

  app.get<{ Params: { code: string }; Querystring: { field: string; method?: ThematicMethod; classes?: number; version?: number } }>(
    '/api/map/layers/:code/classes',
    {
      config: access,
      schema: {
        tags,
        summary: '专题图分类 (thematic map classes of an attribute: categories or class breaks, with counts and areas)',
        params: s.codeParam,
        querystring: s.classesQuery,
        response: { 200: s.classesResponse, ...s.errors },
      },
    },
    async (req) =>
      thematicClasses(db, req.user, req.params.code, {
        field: req.query.field,
        method: req.query.method ?? 'categories',
        classes: req.query.classes,
        version: req.query.version,
      }),
  );

  app.get<{ Params: { code: string }; Querystring: { from: number; to: number } }>(
    '/api/map/layers/:code/changes',
    {
      config: access,
      schema: {
        tags,
        summary: '版本变化 (what changed between two versions of a layer, with geometry, for the compare view)',
        params: s.codeParam,
        querystring: s.changesQuery,
        response: { 200: s.changesResponse, ...s.errors },
      },
    },
    async (req) => versionChanges(db, req.user, req.params.code, req.query.from, req.query.to),
  );

  app.get<{ Params: { code: string }; Querystring: { limit?: number } }>(
    '/api/map/layers/:code/labels',
    {
      config: access,
      schema: {
        tags,
        summary: '注记点 (label points: a point inside each feature with its name)',
        params: s.codeParam,
        querystring: s.labelsQuery,
        response: { 200: s.labelsResponse, ...s.errors },
      },
    },
    async (req) => labelPoints(db, req.user, req.params.code, req.query.limit ?? 200),
  );
}
