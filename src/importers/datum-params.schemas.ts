// Request/response schemas of the named datum parameter sets (/api/datum-params, decision 0012).
import { Type, Obj, Str, Bool, Nullable, Enum, List, DateTime, creates, reads, type Static } from '../schema.ts';

const tags = ['catalogue'];

export const ParamSet = Obj({
  name: Str({ description: 'the name an import gives as --datum-params / datumParams' }),
  datum: Nullable(Enum(['xian80', 'beijing54'], { description: 'the old datum the set is for; null = either' })),
  params: Str({
    description:
      '"7:ΔX,ΔY,ΔZ,rX,rY,rZ,m" (m, arc-seconds, ppm; rotations in the position-vector convention, EPSG 9606 = PROJ +towgs84) or "4:ΔX,ΔY,rotation,scale" (north, east in m; arc-seconds; ppm)',
  }),
  kind: Type.Union([Type.Literal(4), Type.Literal(7)]),
  convention: Enum(['position_vector', 'coordinate_frame'], {
    description: 'how the administrator wrote the rotations (coordinate-frame sets were flipped into position vector)',
  }),
  note: Nullable(Str()),
  createdBy: Str(),
  createdAt: DateTime(),
});
export type ParamSet = Static<typeof ParamSet>;

export const list = reads({ tags, summary: '转换参数集 (the named Xian 1980 / Beijing 1954 → CGCS2000 parameter sets)' }, List(ParamSet));

export const add = creates(
  {
    tags,
    summary: '登记转换参数集 (add a named parameter set; administrators; a set is never changed afterwards)',
    body: Obj({
      name: Str({ minLength: 1, maxLength: 64, pattern: '^[\\p{L}\\p{N}_.-]+$' }),
      params: Str({ minLength: 3, maxLength: 400, description: '"7:…" or "4:…" as in ParamSet.params' }),
      datum: Type.Optional(Nullable(Enum(['xian80', 'beijing54']))),
      coordinateFrame: Type.Optional(Bool({ description: 'the 7 rotations are written in the coordinate-frame convention (EPSG 9607)' })),
      note: Type.Optional(Nullable(Str({ maxLength: 2000 }))),
    }),
  },
  ParamSet,
);
