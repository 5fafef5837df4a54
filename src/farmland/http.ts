// What the farmland route files share at the HTTP edge: who may call what (domain.md §1) and
// district scoping. Every signed-in role reads; a district officer reads and writes inside their
// own districts only.
import type { FastifyRequest } from 'fastify';
import type { StaffRole } from '../auth/types.ts';
import { Forbidden } from '../errors.ts';

/** Access of the farmland endpoints, by kind of work (administrators pass every check). */
export const ACCESS = {
  read: 'staff',
  /** 多田套合 stored runs, cross-district agreements: the city's planners. */
  planner: ['planner'] as StaffRole[],
  /** Compensation lots, 进出平衡 entries, consolidation projects: planners and district officers. */
  register: ['planner', 'district'] as StaffRole[],
  /** Approving an occupation against the balance: reviewers and district officers. */
  approve: ['reviewer', 'district'] as StaffRole[],
  /** Alert intake (cameras, remote sensing, drones call with an inspector's API token). */
  intake: ['inspector'] as StaffRole[],
  /** Working a patrol case: inspectors and district officers. */
  casework: ['inspector', 'district'] as StaffRole[],
  /** Checking a consolidation project: planners, reviewers, district officers. */
  check: ['planner', 'reviewer', 'district'] as StaffRole[],
  admin: ['admin'] as StaffRole[],
} as const;

/** null = every district; a district officer's own districts otherwise. */
export const scope = (req: FastifyRequest): string[] | null => (req.user.role === 'district' ? req.user.districts : null);

export function assertDistrict(req: FastifyRequest, ...codes: string[]): void {
  const s = scope(req);
  const bad = s ? codes.filter((c) => !s.includes(c)) : [];
  if (bad.length)
    throw new Forbidden(`超出辖区 (outside your districts ${s!.join(', ')}): ${bad.join(', ')}`, { code: 'outside_districts' });
}
