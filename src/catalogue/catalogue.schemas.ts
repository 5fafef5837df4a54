// Request and response schemas of the layer catalogue, its versions and imports (/api/layers/…).
import { Type, Obj, Str, Int, Num, Bool, Nullable, Enum, List, type Static } from '../schema.ts';
import { Geometry, CodeParams, UPLOAD_ERRORS, reads, writes } from '../schema.ts';
import { ImportResult } from '../importers/importers.schemas.ts';

const tags = ['layers'];

export const AttrField = Obj({ name: Str(), type: Enum(['text', 'number', 'boolean', 'date']), label: Type.Optional(Str()) });

export const LayerMeta = Obj({
  id: Int(),
  code: Str(),
  name_zh: Str(),
  name_en: Nullable(Str()),
  class: Str({ description: '基础, 管控, 规划, … (资源目录 class)' }),
  geometry_type: Str(),
  attr_schema: List(AttrField),
  statutory: Bool(),
  public: Bool(),
  source: Nullable(Str()),
  legal_basis: Nullable(Str({ description: '批复文号 / legal basis' })),
  owner_dept: Nullable(Str()),
  data_date: Nullable(Str()),
  description: Nullable(Str()),
  active_version: Nullable(Int()),
});
export type LayerMeta = Static<typeof LayerMeta>;

export const LayerItem = Obj({
  code: Str(),
  name: Str(),
  class: Str(),
  version: Nullable(Int()),
  featureCount: Int(),
  public: Bool(),
  scope: Enum(['all', 'districts'], {
    description: 'districts: a district officer reads this restricted layer inside their districts only',
  }),
});

export const VersionInfo = Obj({
  version: Int(),
  active: Bool(),
  createdAt: Str(),
  validFrom: Str(),
  source: Nullable(Str()),
  format: Nullable(Str()),
  srid: Nullable(Int()),
  sridSource: Nullable(
    Str({ description: '坐标系来源及换算 (where the coordinates came from and how they were converted: .prj, 带号, --from gcj02, …)' }),
  ),
  featureCount: Int(),
  areaM2: Obj({ ellipsoidal: Nullable(Num()), planar: Nullable(Num()) }),
  added: Int(),
  removed: Int(),
  changed: Int(),
  createdBy: Nullable(Str()),
  note: Nullable(Str()),
  submission: Type.Optional(
    Nullable(
      Obj(
        { id: Int(), fileName: Str(), submittedBy: Str(), decidedBy: Str(), qcPassed: Nullable(Bool()) },
        { description: '成果提交: the submission this version was accepted from (入库), null when imported directly' },
      ),
    ),
  ),
});
export type VersionInfo = Static<typeof VersionInfo>;

export const AttributeChange = Obj({
  name: Str({ description: 'attribute name, e.g. DLBM' }),
  before: Type.Unknown({ description: 'value in the older version (null when absent)' }),
  after: Type.Unknown({ description: 'value in the newer version (null when absent)' }),
});

/** A feature's area in the two versions compared (null where it is not in one) and the change. */
export const areaChange = { areaBeforeM2: Nullable(Num()), areaAfterM2: Nullable(Num()), areaChangeM2: Num() };
/** How many features two versions differ by, and the net area change. */
export const DiffSummary = Obj({ added: Int(), removed: Int(), changed: Int(), areaChangeM2: Num(), areaChangeMu: Num() });

export const DiffEntry = Obj({
  fid: Str(),
  ...areaChange,
  areaChangeMu: Num({ description: 'the area change in 亩 (1 亩 = 10000/15 m²)' }),
  geometryChanged: Type.Optional(Bool({ description: 'the geometry moved by more than the store tolerance (about 1 mm)' })),
  attributesChanged: Type.Optional(List(Str())),
  attributeChanges: Type.Optional(List(AttributeChange, { description: 'each changed attribute, old → new' })),
});
export type DiffEntry = Static<typeof DiffEntry>;

export const DiffResult = Obj({
  layer: Str(),
  from: Int(),
  to: Int(),
  added: List(DiffEntry),
  removed: List(DiffEntry),
  changed: List(DiffEntry),
  summary: DiffSummary,
});
export type DiffResult = Static<typeof DiffResult>;

export const listLayers = reads({ tags, summary: '图层目录 (the layers this caller may read)' }, List(LayerItem));

export const layerMeta = reads({ tags, summary: '图层元数据 (layer metadata)', params: CodeParams }, LayerMeta);

export const versions = reads({ tags, summary: '版本历史 (version history)', params: CodeParams }, List(VersionInfo));

export const diff = reads(
  {
    tags,
    summary: '版本对比 (what changed between two versions)',
    params: CodeParams,
    querystring: Obj({ from: Int({ minimum: 1 }), to: Int({ minimum: 1 }) }),
  },
  DiffResult,
);

export const setCoverage = writes(
  {
    tags,
    summary: '声明数据覆盖范围 (declare where the layer is complete; administrators)',
    params: CodeParams,
    body: Obj({ coverage: Nullable(Geometry) }),
  },
  Obj({ code: Str(), coverage: Nullable(Geometry) }),
);

const optText = (maxLength: number) => Type.Optional(Nullable(Str({ maxLength })));
export const LayerPatch = Type.Object(
  {
    name_zh: Type.Optional(Str({ minLength: 1, maxLength: 100 })),
    name_en: optText(200),
    source: optText(500),
    legal_basis: optText(1000),
    owner_dept: optText(200),
    data_date: Type.Optional(Nullable(Str({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }))),
    description: optText(5000),
    statutory: Type.Optional(Bool()),
  },
  { minProperties: 1 },
);
export type LayerPatch = Static<typeof LayerPatch>;

export const patchLayer = writes(
  { tags, summary: "修改图层元数据 (edit a layer's descriptive metadata; administrators)", params: CodeParams, body: LayerPatch },
  LayerMeta,
);

export const importLayer = {
  tags,
  consumes: ['multipart/form-data'],
  summary:
    '导入数据 (upload Shapefile (.zip or parts), GeoPackage, GeoJSON or coordinate TXT as a new version; fields: encoding, srid, from (gcj02|bd09: web-map coordinates of 高德/DataV or 百度, converted to CGCS2000), datumParams ("7:ΔX,ΔY,ΔZ,rX,rY,rZ,m" in m, arc-seconds, ppm, position vector = PROJ +towgs84; "4:ΔX,ΔY,rotation,scale"; or the name of a parameter set: Xian 1980 / Beijing 1954 data to CGCS2000), coordinateFrame (the 7 rotations are coordinate-frame, EPSG 9607), makeValid, skipEmpty, sourceLayer, idField (the attribute matching features with the version in force, e.g. BSM), asOf, dryRun, note, qc (成果质检 runs before 入库 on layers with rules — DLTB, XZQ, CZKFBJ, GHYD, YJJBNT; a blocking error refuses the file with code qc_rejected and the errors as problems, warnings join `warnings`; qc=false skips it, administrators only); a file equal to the version in force writes no version: unchanged)',
  params: CodeParams,
  response: { 201: ImportResult, ...UPLOAD_ERRORS },
};
