// What an import answers (the upload route, `onemap import --json`): the new version, what it
// changed, and what the checks found. The types of importers/ derive from these schemas.
import { Type, Obj, Str, Int, Num, Bool, Nullable, List, Enum, type Static } from '../schema.ts';

export const ImportProblem = Obj({
  fid: Str({ description: 'the feature as the source names it (id, or its position in the file)' }),
  location: Nullable(Str({ description: 'file, line or record where it is' })),
  kind: Enum(['empty', 'type', 'outside', 'invalid', 'duplicate'], { description: 'what kind of problem' }),
  reason: Str({ description: 'why, in words: Chinese first' }),
  lonLat: Type.Optional(Type.Tuple([Num(), Num()], { description: 'where, EPSG:4490' })),
});
export type ImportProblem = Static<typeof ImportProblem>;

export const DeclaredArea = Obj({
  fid: Str(),
  declaredM2: Nullable(Num()),
  computedPlanarM2: Num(),
  differenceM2: Nullable(Num()),
  differencePercent: Nullable(Num()),
});

export const MatchedBy = Obj({
  kind: Enum(['key', 'id', 'position'], {
    description:
      'key: by an attribute (--id-field or the catalogue default); id: by the ids the file gives; position: by the order of features in the file',
  }),
  field: Type.Optional(Str({ description: 'the key attribute, e.g. BSM' })),
  note: Str({ description: 'how features were matched with the version in force, in words: Chinese first' }),
});
export type MatchedBy = Static<typeof MatchedBy>;

export const ImportResult = Obj({
  layer: Str(),
  version: Int({ description: 'the version written, or the version in force when nothing changed (unchanged)' }),
  unchanged: Bool({ description: 'the file equals the version in force: no version was written' }),
  message: Type.Optional(Str({ description: 'what happened, in words, when it is not a new version: Chinese first' })),
  matchedBy: MatchedBy,
  featureCount: Int(),
  added: Int(),
  removed: Int(),
  changed: Int(),
  sourceSrid: Int(),
  sridSource: Str({ description: 'where the coordinate system came from: .prj, 带号, --srid, …' }),
  encoding: Type.Optional(Str()),
  areaM2: Obj({ ellipsoidal: Num(), planar: Num() }),
  invalid: List(ImportProblem),
  skipped: List(ImportProblem, { description: 'features left out by skipEmpty' }),
  warnings: List(Str(), {
    description:
      'non-blocking remarks from the reader (e.g. TXT: an unclosed ring closed) and from the quality check (质检提示: warning-severity errors, rules that could not run)',
  }),
  declaredAreas: Type.Optional(List(DeclaredArea, { description: 'coordinate TXT: declared 地块面积 against the computed planar area' })),
});
export type ImportResult = Static<typeof ImportResult>;
