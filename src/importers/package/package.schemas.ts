// What a package import answers (POST /api/packages/import, `onemap import <package> --json`): per
// layer the catalogue layer it went to and the import's own result, and the layers left out.
import { Obj, Str, Int, Bool, Nullable, List, Enum, type Static } from '../../schema.ts';
import { UPLOAD_ERRORS } from '../../schema.ts';
import { ImportResult } from '../importers.schemas.ts';

export const PackageLayerResult = Obj({
  file: Str({ description: 'the file the layer is in, as named in the package: "成果.zip: 矢量/CZKFBJ.shp", "成果.gdb"' }),
  sourceLayer: Str({ description: "the layer's name in the package (a FileGDB layer, a shapefile's name)" }),
  code: Str({ description: 'the catalogue layer it was imported as' }),
  name: Str({ description: "the catalogue layer's Chinese name" }),
  mappedBy: Enum(['standard', 'code', 'name_zh'], {
    description:
      "how the name was mapped: a standard name of the national database specifications, the layer code, or the layer's Chinese name",
  }),
  result: ImportResult,
});
export type PackageLayerResult = Static<typeof PackageLayerResult>;

export const PackageSkipped = Obj({
  file: Str(),
  sourceLayer: Str(),
  featureCount: Nullable(Int()),
  reason: Str({ description: 'why it was not imported: Chinese first' }),
});
export type PackageSkipped = Static<typeof PackageSkipped>;

export const PackageImportResult = Obj({
  package: Str({ description: 'the package as uploaded or named' }),
  dryRun: Bool({ description: 'checked only: every layer was rolled back' }),
  message: Str({ description: 'what happened, in words: Chinese first' }),
  layers: List(PackageLayerResult, { description: 'every imported layer, in the order written (layers other rules refer to first)' }),
  skipped: List(PackageSkipped, { description: 'layers that map to no catalogue layer, left out with skipUnknown' }),
});
export type PackageImportResult = Static<typeof PackageImportResult>;

export const importPackage = {
  tags: ['layers'],
  consumes: ['multipart/form-data'],
  summary:
    '导入成果汇交数据包 (upload a 汇交 package — a .zip holding a FileGDB .gdb and/or shapefiles, GeoPackages, GeoJSON — as new versions of every layer it carries, all or nothing: a blocking 质检 error or bad feature in any layer writes no layer. Layers are mapped to catalogue layers by their standard names (《市级国土空间总体规划数据库规范（试行）》, 三调 TD/T 1055), the layer code or its Chinese name; a layer that maps to none refuses the package (code package_unknown_layers) unless skipUnknown=true. Fields as the per-layer import: encoding, srid, from, datumParams, coordinateFrame, makeValid, skipEmpty, idField, asOf, dryRun, note, qc (qc=false: administrators only), skipUnknown)',
  response: { 201: PackageImportResult, ...UPLOAD_ERRORS },
};
