// The administration API as the admin pages use it: users and API tokens (src/auth/auth.routes.ts),
// layer metadata (src/catalogue/catalogue.routes.ts), rule sets (src/review/review.routes.ts) and
// the audit trail (src/audit/audit.routes.ts). Every type comes from the generated client.
import { api } from '../../api.ts';
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
export type ImportResult = Ok<'/api/layers/{code}/import', 'post'>;
/**
 * Imports a file as a new version of a layer (the upload fields of POST /api/layers/{code}/import):
 * `from` names web-map coordinates (gcj02 / bd09) that the server converts to CGCS2000.
 */
export function importLayerFile(
  code: string,
  files: File[],
  f: { encoding?: string; from?: string; dryRun?: boolean },
): Promise<ImportResult> {
  const form = new FormData();
  if (f.encoding) form.set('encoding', f.encoding);
  if (f.from) form.set('from', f.from);
  if (f.dryRun) form.set('dryRun', 'true');
  for (const file of files) form.append('file', file, file.name);
  return api<ImportResult>(`/api/layers/${encodeURIComponent(code)}/import`, { body: form });
}

// Rule sets (review).
export type RuleSetVersion = Ok<'/api/review/rulesets/{name}/versions/{version}'>;
export type RuleSetCurrent = Ok<'/api/review/rulesets/{name}'>;
export type RuleSetVersionInfo = RuleSetCurrent['versions'][number];
export type RuleSetSummary = Ok<'/api/review/rulesets'>[number];
export const listRuleSets = () => GET('/api/review/rulesets');
export const currentRuleSet = (name: string) => GET('/api/review/rulesets/{name}', { path: { name } });
export const ruleSetVersion = (name: string, version: number) =>
  GET('/api/review/rulesets/{name}/versions/{version}', { path: { name, version } });
export const saveRuleSet = (name: string, definition: Body<'/api/review/rulesets/{name}', 'put'>['definition'], note?: string) =>
  PUT('/api/review/rulesets/{name}', { path: { name }, body: { definition, note } });
export const ruleKinds = () => GET('/api/review/rule-kinds');

export type AuditEntry = Ok<'/api/audit'>['entries'][number];
export type AuditFilter = Omit<Query<'/api/audit'>, 'limit' | 'beforeId'>;
export const searchAudit = (f: AuditFilter, page: { limit: number; beforeId?: number }) => GET('/api/audit', { query: { ...f, ...page } });
export const exportAudit = (f: AuditFilter, format: 'csv' | 'jsonl') => GETBlob('/api/audit/export', { query: { ...f, format } });
