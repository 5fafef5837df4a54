// Request and response schemas of 成果提交 (/api/submissions…, /api/layers/:code/submissions).
import { Type, Obj, Str, Int, Num, Bool, Nullable, Enum, List, Dict, type Static } from '../schema.ts';
import { CodeParams, IdParams, READ_ERRORS, UPLOAD_ERRORS, reads, writes } from '../schema.ts';
import { ImportResult } from '../importers/importers.schemas.ts';

const tags = ['submissions'];

export const Status = Enum(['pending', 'qc_failed', 'accepted', 'returned'], {
  description: 'pending 待审核 · qc_failed 质检未通过 · accepted 已入库 · returned 已退回',
});

const GeoJsonGeometry = Type.Unknown({ description: 'GeoJSON geometry, EPSG:4490' });

const DiffSummary = Obj({ added: Int(), removed: Int(), changed: Int(), areaChangeM2: Num(), areaChangeMu: Num() });

export const QcErrorItem = Obj({
  layer: Str(),
  fid: Nullable(Str()),
  rule: Str(),
  kind: Str(),
  severity: Enum(['blocking', 'warning']),
  message: Str(),
  value: Type.Unknown(),
  location: Nullable(Type.Tuple([Num(), Num()])),
  geometry: Nullable(GeoJsonGeometry),
  district: Type.Optional(Nullable(Obj({ code: Str(), name: Str() }))),
});

export const QcReportBody = Obj({
  layer: Str(),
  layerName: Str(),
  source: Obj({ kind: Enum(['file', 'store']), path: Type.Optional(Str()), version: Type.Optional(Int()) }),
  ruleset: Obj({ name: Str(), title: Str(), standards: List(Str()) }),
  featureCount: Int(),
  rules: List(
    Obj({
      id: Str(),
      title: Str(),
      kind: Str(),
      severity: Enum(['blocking', 'warning']),
      basis: Type.Optional(Str()),
      errors: Int(),
      listed: Int(),
    }),
  ),
  passed: Bool(),
  counts: Obj({ byRule: Dict(Int()), bySeverity: Obj({ blocking: Int(), warning: Int() }) }),
  errors: List(QcErrorItem),
  skipped: List(Obj({ rule: Str(), title: Str(), severity: Enum(['blocking', 'warning']), reason: Str() })),
  checkedAt: Str(),
});

export const DiffFeature = Obj({
  fid: Str(),
  status: Enum(['added', 'removed', 'changed']),
  areaBeforeM2: Nullable(Num()),
  areaAfterM2: Nullable(Num()),
  areaChangeM2: Num(),
  areaChangeMu: Num(),
  classBefore: Nullable(Str()),
  classAfter: Nullable(Str()),
  geometryChanged: Type.Optional(Bool()),
  attributeChanges: Type.Optional(List(Obj({ name: Str(), before: Type.Unknown(), after: Type.Unknown() }))),
  geometry: Nullable(GeoJsonGeometry),
});

export const SubmissionDiff = Obj({
  from: Nullable(Int({ description: 'the version in force compared with (null: the layer had none)' })),
  classField: Nullable(Str({ description: 'the attribute whose first characters give the class (DLBM, YDYHFLDM)' })),
  summary: DiffSummary,
  byClass: List(
    Obj({
      class: Str(),
      label: Str(),
      beforeM2: Num(),
      afterM2: Num(),
      changeM2: Num(),
      beforeMu: Num(),
      afterMu: Num(),
      changeMu: Num(),
    }),
  ),
  features: List(DiffFeature, { description: 'every differing feature; geometry for the first `listed`' }),
  listed: Int(),
});

const Head = {
  id: Int(),
  layer: Str(),
  layerName: Str(),
  status: Status,
  statusLabel: Str(),
  fileName: Str(),
  fileBytes: Num(),
  baseVersion: Nullable(Int({ description: 'the version in force when the file was checked' })),
  activeVersion: Nullable(Int({ description: 'the version in force now' })),
  stale: Bool({ description: 'the layer has a new version since the check: 入库 will be refused' }),
  version: Nullable(Int({ description: 'the version 入库 wrote' })),
  note: Nullable(Str()),
  submittedBy: Str(),
  submittedAt: Str(),
  decidedBy: Nullable(Str()),
  decidedAt: Nullable(Str()),
  reason: Nullable(Str({ description: '退回理由' })),
};

export const SubmissionItem = Obj({
  ...Head,
  qcBlocking: Nullable(Int()),
  qcWarning: Nullable(Int()),
  problemCount: Int(),
  diff: Nullable(DiffSummary),
});

export const Submission = Obj({
  ...Head,
  options: Dict(),
  result: Nullable(ImportResult),
  qc: Nullable(QcReportBody),
  problems: List(QcErrorItem, {
    description: 'the import checks that refused features (invalid geometry, outside the city, duplicate ids)',
  }),
  diff: Nullable(SubmissionDiff),
});
export type Submission = Static<typeof Submission>;

export const submit = {
  tags,
  consumes: ['multipart/form-data'],
  summary:
    '成果提交 (hand in a file for a layer: it is kept, checked by the layer’s QC rules and compared with the version in force, nothing is written; fields as the import: encoding, srid, from, datumParams, coordinateFrame, makeValid, skipEmpty, sourceLayer, idField, note)',
  params: CodeParams,
  response: { 201: Submission, ...UPLOAD_ERRORS },
};

export const list = reads(
  {
    tags,
    summary: '成果提交列表 (submissions, newest first; district officers see their own)',
    querystring: Obj({
      layer: Type.Optional(Str({ maxLength: 64 })),
      status: Type.Optional(Status),
      limit: Type.Optional(Int({ minimum: 1, maximum: 1000 })),
    }),
  },
  List(SubmissionItem),
);

export const get = reads({ tags, summary: '成果提交详情 (a submission with its QC errors and diff)', params: IdParams }, Submission);

export const accept = writes({ tags, summary: '入库 (import the kept file as the layer’s next version)', params: IdParams }, Submission);

export const giveBack = writes(
  { tags, summary: '退回 (return a submission, with a reason)', params: IdParams, body: Obj({ reason: Str({ maxLength: 2000 }) }) },
  Submission,
);

const Binary = { schema: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' }) };
const report = <P extends typeof IdParams | typeof VersionParams>(summary: string, params: P) => ({
  tags,
  summary,
  params,
  querystring: Obj({ format: Type.Optional(Enum(['html', 'pdf', 'xlsx'], { description: '默认 html (default html)' })) }),
  response: {
    200: {
      description: '质检报告：HTML 页面、PDF 或 XLSX 工作簿 (the QC report as an HTML page, PDF or XLSX workbook)',
      content: {
        'text/html': { schema: Str() },
        'application/pdf': Binary,
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': Binary,
      },
    },
    ...READ_ERRORS,
  },
});

export const VersionParams = Obj({ code: CodeParams.properties.code, version: Int({ minimum: 1 }) });

export const qcReport = report('成果提交的质检报告 (the QC report of a submission: ?format=html|pdf|xlsx)', IdParams);
export const versionQcReport = report('图层某版本的质检报告 (the QC report of a layer version: ?format=html|pdf|xlsx)', VersionParams);
