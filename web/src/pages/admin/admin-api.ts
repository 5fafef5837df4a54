// The administration API as the admin pages use it: users and API tokens (src/auth/auth.routes.ts),
// layer metadata (src/catalogue/catalogue.routes.ts), rule sets (src/review/review.routes.ts) and
// the audit trail (src/audit/audit.routes.ts). Every type comes from the generated client.
import { DELETE, GET, GETBlob, PATCH, POST, PUT, type Body, type Ok, type Query } from '../../api/client.ts';

export type AdminUser = Ok<'/api/users'>[number];
export type RoleOption = Ok<'/api/auth/roles'>[number];
export type NewUser = Body<'/api/users', 'post'>;
export type UserPatch = Body<'/api/users/{username}', 'patch'>;
export type Token = Ok<'/api/tokens'>[number];
export type IssuedToken = Ok<'/api/tokens', 'post'>;

export const listUsers = () => GET('/api/users');
export const roles = () => GET('/api/auth/roles');
export const addUser = (b: NewUser) => POST('/api/users', { body: b });
export const patchUser = (username: string, b: UserPatch) => PATCH('/api/users/{username}', { path: { username }, body: b });
export const listTokens = (username?: string) => GET('/api/tokens', { query: { username } });
export const createToken = (b: Body<'/api/tokens', 'post'>) => POST('/api/tokens', { body: b });
export const revokeToken = (id: number) => DELETE('/api/tokens/{id}', { path: { id } });

/** District names for the district officers' scope, from the district layer (GB/T 2260 codes). */
export async function districts() {
  const fc = await GET('/api/access/districts');
  return (fc.features ?? [])
    .map((f) => ({ code: String(f.properties?.code ?? ''), name: String(f.properties?.name ?? '') }))
    .sort((a, b) => a.code.localeCompare(b.code));
}
export type District = Awaited<ReturnType<typeof districts>>[number];

export type LayerSummary = Ok<'/api/layers'>[number];
export type LayerMeta = Ok<'/api/layers/{code}'>;
export type LayerPatch = Body<'/api/layers/{code}', 'patch'>;
export const listLayers = () => GET('/api/layers');
export const layerMeta = (code: string) => GET('/api/layers/{code}', { path: { code } });
export const patchLayer = (code: string, b: LayerPatch) => PATCH('/api/layers/{code}', { path: { code }, body: b });

// Rule sets (review). TEMPORARY (issue 16): review's response schemas are still loose here (every
// field optional), so the answers are typed as review's RuleSetVersion schema describes them. When
// review's schemas are exact, delete RuleSetVersion below and alias
// Ok<'/api/review/rulesets/{name}/versions/{version}'> (and drop the casts).
export type RuleSetVersion = {
  name: string;
  version: number;
  definition: {
    name: string;
    title?: string;
    tolerance: { areaM2: number; percent: number; basis?: string };
    projectTypes: { code: string; name: string }[];
    rules: {
      id: string;
      kind: string;
      layer: string;
      title: string;
      verdict: 'fail' | 'warn';
      appliesTo?: string[];
      legalBasis?: string;
    }[];
  };
  createdAt: string;
  createdBy: string;
  note: string | null;
};
export type RuleSetVersionInfo = Pick<RuleSetVersion, 'version' | 'createdAt' | 'createdBy' | 'note'>;
export type RuleSetCurrent = RuleSetVersion & { versions: RuleSetVersionInfo[] };
export type RuleSetSummary = Pick<RuleSetVersion, 'name' | 'version' | 'createdAt' | 'createdBy'> & { versions: number };
export const listRuleSets = () => GET('/api/review/rulesets') as Promise<unknown> as Promise<RuleSetSummary[]>;
export const currentRuleSet = (name: string) =>
  GET('/api/review/rulesets/{name}', { path: { name } }) as Promise<unknown> as Promise<RuleSetCurrent>;
export const ruleSetVersion = (name: string, version: number) =>
  GET('/api/review/rulesets/{name}/versions/{version}', { path: { name, version } }) as Promise<unknown> as Promise<RuleSetVersion>;
export const saveRuleSet = (name: string, definition: Body<'/api/review/rulesets/{name}', 'put'>['definition'], note?: string) =>
  PUT('/api/review/rulesets/{name}', { path: { name }, body: { definition, note } }) as Promise<unknown> as Promise<RuleSetVersion>;
export const ruleKinds = () => GET('/api/review/rule-kinds');

export type AuditEntry = Ok<'/api/audit'>['entries'][number];
export type AuditFilter = Omit<Query<'/api/audit'>, 'limit' | 'beforeId'>;
export const searchAudit = (f: AuditFilter, page: { limit: number; beforeId?: number }) => GET('/api/audit', { query: { ...f, ...page } });
export const exportAudit = (f: AuditFilter, format: 'csv' | 'jsonl') => GETBlob('/api/audit/export', { query: { ...f, format } });
