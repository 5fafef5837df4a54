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
import { endpoint, get, mount, post, type Route } from '../server/route.ts';
import { identify as identifyAt, labelPoints, versionChanges, viewerCatalogue } from './mapview.service.ts';
import { measureGeometry } from './measure.ts';
import { layerFields, thematicClasses } from './thematic.ts';
import { warmTransforms } from './mapview.repository.ts';
import * as s from './mapview.schemas.ts';

export function mapviewRoutes(app: FastifyInstance): void {
  // When the server starts listening (not in tests that only inject), load PostGIS's projection
  // data in the background so the first visitor's first map paint does not pay for it.
  app.addHook('onListen', async () => {
    void warmTransforms(app.ctx.db).catch((e: Error) => app.log.warn(`map warm-up failed: ${e.message}`));
  });
  const table: Route[] = [
    get('/api/map/layers', 'public', catalogue),
    get('/api/map/identify', 'public', identify),
    post('/api/map/measure', 'public', measure, { drawn: true }),
    get('/api/map/layers/:code/fields', 'public', fields),
    get('/api/map/layers/:code/classes', 'public', classes),
    get('/api/map/layers/:code/changes', 'public', changes),
    get('/api/map/layers/:code/labels', 'public', labels),
  ];
  mount(app, table);
}

const catalogue = endpoint(s.catalogue, async (req) => viewerCatalogue(req.server.ctx.db, req.user));

const identify = endpoint(s.identify, async (req) => {
  const { db, config } = req.server.ctx;
  return identifyAt(db, config, req.user, {
    lon: req.query.lon,
    lat: req.query.lat,
    toleranceM: req.query.tolerance,
    codes: req.query.layers
      ?.split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  });
});

const measure = endpoint(s.measure, async (req) => {
  const { db, config } = req.server.ctx;
  return measureGeometry(db, req.body.geometry, req.body.srid, config.limits.bounds.drawnVertices);
});

const fields = endpoint(s.fields, async (req) =>
  layerFields(req.server.ctx.db, req.user, req.params.code, req.server.ctx.config.districts),
);

const classes = endpoint(s.classes, async (req) => {
  const { db, config } = req.server.ctx;
  return thematicClasses(
    db,
    req.user,
    req.params.code,
    { field: req.query.field, method: req.query.method ?? 'categories', classes: req.query.classes, version: req.query.version },
    config.districts,
  );
});

const changes = endpoint(s.changes, async (req) => {
  const { db, config } = req.server.ctx;
  return versionChanges(db, config.districts, req.user, req.params.code, req.query.from, req.query.to);
});

const labels = endpoint(s.labels, async (req) => {
  const { db, config } = req.server.ctx;
  return labelPoints(db, config.districts, req.user, req.params.code, req.query.limit ?? 200);
});
