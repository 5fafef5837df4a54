// HTTP routes of the layer catalogue, its version history and file imports. Every read goes
// through the caller's layer scope (src/auth/layers.ts): the public never learns that a
// restricted layer exists.
import { setLayerCoverage, updateLayerMetadata, layerSummaries } from './catalogue.service.ts';
import { listVersions, diffVersions, featureCountsWithin } from '../store/store.service.ts';
import { readableLayer, readableLayers } from '../auth/layers.ts';
import { importFile } from '../importers/pipeline.ts';
import { withUpload, numberField, booleanField, asUploaded } from '../server/upload.ts';
import { parseWebMapDatum } from '../importers/webmap.ts';
import { endpoint, get, mount, patch, post, put, type Route } from '../server/route.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { importPackage } from '../importers/package/package.ts';
import { importPackage as importPackageSchema } from '../importers/package/package.schemas.ts';
import { Forbidden, Invalid } from '../errors.ts';
import * as s from './catalogue.schemas.ts';
import { submissionsByVersion } from '../submissions/submissions.service.ts';

export function catalogueRoutes(app: FastifyInstance): void {
  const { limits } = app.ctx.config;
  const table: Route[] = [
    get('/api/layers', 'public', listLayers),
    get('/api/layers/:code', 'public', layerMeta),
    get('/api/layers/:code/versions', 'public', versions),
    get('/api/layers/:code/diff', 'public', diff),
    put('/api/layers/:code/coverage', ['admin'], setCoverage, { bodyLimit: limits.jsonBytes }),
    patch('/api/layers/:code', ['admin'], patchLayer),
    post('/api/layers/:code/import', ['planner', 'district'], importLayer, { timeoutMs: limits.uploadTimeoutMs }),
    post('/api/packages/import', ['planner', 'district'], importPackageUpload, { timeoutMs: limits.uploadTimeoutMs }),
  ];
  mount(app, table);
}

const listLayers = endpoint(s.listLayers, async (req) => {
  const { db, config } = req.server.ctx;
  const readable = new Map((await readableLayers(db, req.user)).map((r) => [r.layer.code, r]));
  const summaries = (await layerSummaries(db)).filter((l) => readable.has(l.code));
  // A district officer reads restricted layers inside their districts: their counts too.
  const scoped = summaries.filter((l) => readable.get(l.code)!.districts);
  const inside = scoped.length
    ? await featureCountsWithin(
        db,
        scoped.map((l) => ({ layerId: readable.get(l.code)!.layer.id, version: l.active_version })),
        { codes: readable.get(scoped[0].code)!.districts!, layer: config.districts },
      )
    : new Map<number, number>();
  return summaries.map((l) => ({
    code: l.code,
    name: l.name_zh,
    class: l.class,
    version: l.active_version,
    featureCount: readable.get(l.code)!.districts ? inside.get(readable.get(l.code)!.layer.id)! : l.feature_count,
    public: l.public,
    scope: readable.get(l.code)!.districts ? ('districts' as const) : ('all' as const),
  }));
});

const layerMeta = endpoint(s.layerMeta, async (req) => (await readableLayer(req.server.ctx.db, req.user, req.params.code)).layer);

const versions = endpoint(s.versions, async (req) => {
  const { db, config } = req.server.ctx;
  const r = await readableLayer(db, req.user, req.params.code);
  const all = await listVersions(db, r.layer.code, r.districts ? { codes: r.districts, layer: config.districts } : null);
  // Who handed the version in and who accepted it (成果提交 → 入库), for staff only.
  if (req.user.role === 'anonymous') return all;
  const from = await submissionsByVersion(db, r.layer.id);
  return all.map((v) => {
    const x = from.get(v.version);
    return {
      ...v,
      submission: x
        ? { id: x.id, fileName: x.file_name, submittedBy: x.submitted_by, decidedBy: x.decided_by, qcPassed: x.qc_passed }
        : null,
    };
  });
});

const diff = endpoint(s.diff, async (req) => {
  const { db } = req.server.ctx;
  const r = await readableLayer(db, req.user, req.params.code);
  // A diff lists features city-wide; a district officer sees a restricted layer only inside their districts.
  if (r.districts) {
    throw new Forbidden(
      `版本对比列出全市要素；区县人员只能查看辖区内的 ${r.layer.code} (a diff of a restricted layer is city-wide: not for district officers)`,
    );
  }
  return diffVersions(db, r.layer.code, req.query.from, req.query.to);
});

// Where the layer's data is complete; null clears it (= the whole city).
const setCoverage = endpoint(s.setCoverage, async (req) =>
  setLayerCoverage(req.server.ctx.db, req.params.code, req.body.coverage, req.user.username),
);

// Descriptive metadata (source, date, legal basis, owner, statutory); not the public flag.
const patchLayer = endpoint(s.patchLayer, async (req) =>
  updateLayerMetadata(req.server.ctx.db, req.params.code, req.body, req.user.username),
);

/** The options of an upload's form fields, shared by the per-layer and the package import. */
function uploadOptions(req: FastifyRequest, f: Record<string, string>) {
  const asOf = f.asOf ? new Date(f.asOf) : undefined;
  if (asOf && Number.isNaN(asOf.getTime()))
    throw new Invalid(`asOf 须为日期，如 2025-06-30 (field asOf must be a date like 2025-06-30, got "${f.asOf.slice(0, 40)}")`);
  // 质检 runs on every upload; only an administrator may skip it (qc=false), as only the server's
  // operator can run `onemap import --no-qc`: the check is the bureau's gate before 入库.
  const skipQc = ['0', 'false', 'no', 'off'].includes((f.qc ?? '').toLowerCase());
  if (skipQc && req.user.role !== 'admin')
    throw new Forbidden(`只有系统管理员可以跳过成果质检（qc=false） (only an administrator may skip the quality check)`, {
      code: 'qc_skip_forbidden',
    });
  return {
    qc: !skipQc,
    encoding: f.encoding || undefined,
    srid: numberField(f, 'srid'),
    from: parseWebMapDatum(f.from, 'from'),
    datum: {
      spec: f.datumParams?.slice(0, 400) || undefined,
      coordinateFrame: booleanField(f, 'coordinateFrame'),
      via: '上传字段 datumParams',
    },
    makeValid: booleanField(f, 'makeValid'),
    skipEmpty: booleanField(f, 'skipEmpty'),
    idField: f.idField?.slice(0, 64) || undefined,
    validFrom: asOf?.toISOString(),
    dryRun: booleanField(f, 'dryRun'),
    note: f.note?.slice(0, 2000),
    user: req.user.username,
    // A district officer's import may only change features inside their districts, layer by layer.
    actor: req.user,
    gdal: req.server.ctx.gdal,
  };
}

// Import a file as the layer's next version (the same pipeline as `onemap import`).
const importLayer = endpoint(s.importLayer, async (req, reply) => {
  const { db, config } = req.server.ctx;
  const r = await withUpload(req, async (u) => {
    const f = u.fields;
    const result = await importFile(db, config, u.path, {
      ...uploadOptions(req, f),
      layer: req.params.code,
      sourceLayer: f.sourceLayer || undefined,
    });
    return { ...result, warnings: asUploaded(u, result.warnings) };
  });
  return reply.code(201).send(r);
});

// A 汇交 package (a zip of a FileGDB and/or shapefiles): every layer it carries, all or nothing.
const importPackageUpload = endpoint(importPackageSchema, async (req, reply) => {
  const { db, config } = req.server.ctx;
  const r = await withUpload(req, async (u) => {
    const result = await importPackage(db, config, u.path, {
      ...uploadOptions(req, u.fields),
      skipUnknown: booleanField(u.fields, 'skipUnknown'),
      shownAs: u.name,
    });
    return {
      ...result,
      layers: result.layers.map((l) => ({
        ...l,
        file: asUploaded(u, [l.file])[0],
        result: { ...l.result, warnings: asUploaded(u, l.result.warnings) },
      })),
      skipped: result.skipped.map((x) => ({ ...x, file: asUploaded(u, [x.file])[0] })),
      message: asUploaded(u, [result.message])[0],
    };
  });
  return reply.code(201).send(r);
});
