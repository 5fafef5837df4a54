// Who may do what (domain.md §1: administrators, 编制, 审查员, 区县 officers scoped to their
// districts, 执法/巡查 inspectors and the anonymous public). Routes declare what they need in
// their Fastify config (`config: { access: … }`); src/auth/guard.ts enforces it for every route,
// and a route that declares nothing is refused to everyone but administrators.

export const STAFF_ROLES = ['admin', 'planner', 'reviewer', 'district', 'inspector'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const ROLES = [...STAFF_ROLES, 'anonymous'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: '管理员',
  planner: '编制人员',
  reviewer: '审查员',
  district: '区县人员',
  inspector: '执法巡查人员',
  anonymous: '公众（未登录）',
};

export interface User {
  /** null for the anonymous public. */
  id: number | null;
  username: string;
  name: string;
  role: Role;
  /** GB/T 2260 district codes (XZQDM) a district officer works in; empty for other roles. */
  districts: string[];
  via: 'session' | 'token' | 'anonymous' | 'cli';
}

export const ANONYMOUS: User = Object.freeze({
  id: null,
  username: 'anonymous',
  name: '公众',
  role: 'anonymous',
  districts: [],
  via: 'anonymous',
}) as User;

/**
 * What a route needs: 'public' (everyone, anonymous included, rate-limited when anonymous),
 * 'staff' (any signed-in role), or the list of roles allowed. Administrators pass every check.
 */
export type Access = 'public' | 'staff' | readonly StaffRole[];

declare module 'fastify' {
  interface FastifyRequest {
    user: User;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}
