// The administration API as the admin pages use it: users and API tokens (src/auth/auth.routes.ts),
// layer metadata (src/catalogue/catalogue.routes.ts), rule sets (src/review/review.routes.ts) and
// the audit trail (src/audit/audit.routes.ts). Shapes as the server sends them.
import { api, apiBlob } from '../../api.ts';
import type { StaffRole } from '../../session.ts';

export interface AdminUser {
  id: number;
  username: string;
  name: string;
  role: StaffRole;
  roleLabel: string;
  districts: string[];
  active: boolean;
  createdAt: string;
}
export interface Token {
  id: number;
  user_id: number;
  username: string;
  name: string;
  prefix: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}
export interface District {
  code: string;
  name: string;
}

export const listUsers = () => api<AdminUser[]>('/api/users');
export const roles = () => api<{ role: StaffRole; label: string }[]>('/api/auth/roles');
export const addUser = (b: { username: string; role: StaffRole; name?: string; password: string; districts?: string[] }) =>
  api<AdminUser>('/api/users', { body: b });
export const patchUser = (
  username: string,
  b: Partial<{ name: string | null; role: StaffRole; districts: string[]; active: boolean; password: string }>,
) => api<AdminUser>(`/api/users/${encodeURIComponent(username)}`, { method: 'PATCH', body: b });
export const listTokens = (username?: string) => api<Token[]>('/api/tokens', { query: { username } });
export const createToken = (b: { username: string; name: string; expiresDays?: number }) =>
  api<{ id: number; token: string; name: string; username: string }>('/api/tokens', { body: b });
export const revokeToken = (id: number) => api<Token>(`/api/tokens/${id}`, { method: 'DELETE' });

/** District names for the district officers' scope, from the XZQ layer (GB/T 2260 codes). */
export async function districts(): Promise<District[]> {
  const fc = await api<{ features: { properties: { code: string; name: string } }[] }>('/api/access/districts');
  return fc.features.map((f) => ({ code: f.properties.code, name: f.properties.name })).sort((a, b) => a.code.localeCompare(b.code));
}

export interface LayerSummary {
  code: string;
  name: string;
  class: string;
  version: number | null;
  featureCount: number;
  public: boolean;
}
export interface LayerMeta {
  code: string;
  name_zh: string;
  name_en: string | null;
  class: string;
  geometry_type: string;
  statutory: boolean;
  public: boolean;
  source: string | null;
  legal_basis: string | null;
  owner_dept: string | null;
  data_date: string | null;
  description: string | null;
  updated_at?: string;
}
export type LayerPatch = Partial<
  Pick<LayerMeta, 'name_zh' | 'name_en' | 'source' | 'legal_basis' | 'owner_dept' | 'data_date' | 'description' | 'statutory'>
>;
export const listLayers = () => api<LayerSummary[]>('/api/layers');
export const layerMeta = (code: string) => api<LayerMeta>(`/api/layers/${encodeURIComponent(code)}`);
export const patchLayer = (code: string, b: LayerPatch) =>
  api<LayerMeta>(`/api/layers/${encodeURIComponent(code)}`, { method: 'PATCH', body: b });

export interface RuleDef {
  id: string;
  kind: string;
  layer: string;
  title: string;
  verdict: 'fail' | 'warn';
  appliesTo?: string[];
  legalBasis?: string;
  [k: string]: unknown;
}
export interface RuleSetDef {
  name: string;
  title?: string;
  tolerance: { areaM2: number; percent: number; basis?: string };
  projectTypes: { code: string; name: string }[];
  rules: RuleDef[];
}
export interface RuleSetVersionInfo {
  version: number;
  createdAt: string;
  createdBy: string;
  note: string | null;
}
export interface RuleSetVersion extends RuleSetVersionInfo {
  name: string;
  definition: RuleSetDef;
}
export const listRuleSets = () =>
  api<{ name: string; version: number; versions: number; createdAt: string; createdBy: string }[]>('/api/review/rulesets');
export const currentRuleSet = (name: string) =>
  api<RuleSetVersion & { versions: RuleSetVersionInfo[] }>(`/api/review/rulesets/${encodeURIComponent(name)}`);
export const ruleSetVersion = (name: string, v: number) =>
  api<RuleSetVersion>(`/api/review/rulesets/${encodeURIComponent(name)}/versions/${v}`);
export const saveRuleSet = (name: string, definition: unknown, note?: string) =>
  api<RuleSetVersion>(`/api/review/rulesets/${encodeURIComponent(name)}`, { method: 'PUT', body: { definition, note } });
export const ruleKinds = () => api<string[]>('/api/review/rule-kinds');

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
}
export interface AuditFilter {
  actor?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  from?: string;
  to?: string;
}
export const searchAudit = (f: AuditFilter, page: { limit: number; beforeId?: number }) =>
  api<{ entries: AuditEntry[]; next: string | null }>('/api/audit', { query: { ...f, ...page } });
export const exportAudit = (f: AuditFilter, format: 'csv' | 'jsonl') => apiBlob('/api/audit/export', { query: { ...f, format } });
