// Request and response schemas of the audit trail (/api/audit, /api/audit/export).
import { Type, Obj, Str, Int, Nullable, Enum, List, DateTime, errors, type Static } from '../schema.ts';

const tags = ['audit'];
const ERRORS = errors(400, 401, 403, 429);

export const AuditEntry = Obj({
  id: Int(),
  at: DateTime({ description: 'UTC' }),
  actor: Str(),
  action: Str({ description: 'e.g. layer.import, user.add, case.transition' }),
  entity: Str(),
  entity_id: Nullable(Str()),
  before: Type.Unknown({ description: 'the state before (JSON as written by the module), or null' }),
  after: Type.Unknown({ description: 'the state after, or null' }),
});
export type AuditEntry = Static<typeof AuditEntry>;

const filter = {
  actor: Type.Optional(Str({ maxLength: 64 })),
  action: Type.Optional(Str({ maxLength: 64, description: 'exact, or a prefix ending in * (e.g. case.*)' })),
  entity: Type.Optional(Str({ maxLength: 64 })),
  entityId: Type.Optional(Str({ maxLength: 200 })),
  from: Type.Optional(DateTime()),
  to: Type.Optional(DateTime()),
};

export const browse = {
  tags,
  summary: '审计日志 (the audit trail, newest first; page with beforeId = the last id, or use the export)',
  querystring: Obj({
    ...filter,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    beforeId: Type.Optional(Int({ minimum: 0 })),
  }),
  response: {
    200: Obj({ entries: List(AuditEntry), next: Nullable(Str({ description: 'the URL of the next page, or null on the last' })) }),
    ...ERRORS,
  },
};

export const exportTrail = {
  tags,
  summary: '导出审计日志 (export as CSV for Excel — UTF-8 with BOM — or JSON lines)',
  querystring: Obj({ ...filter, format: Type.Optional(Enum(['csv', 'jsonl'])) }),
  response: {
    200: {
      description: 'CSV (UTF-8 with BOM) or JSON lines',
      content: { 'text/csv': { schema: { type: 'string' } }, 'application/x-ndjson': { schema: { type: 'string' } } },
    },
    ...ERRORS,
  },
};
