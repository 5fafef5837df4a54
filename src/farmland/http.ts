// What the farmland route files share: who may call what (domain.md §1), district scoping, and
// the schema pieces. Every signed-in role reads; a district officer reads and writes inside their
// own districts only.
import type { FastifyRequest } from 'fastify';
import { errorSchema, HttpError } from '../server/errors.ts';
import type { StaffRole } from '../auth/types.ts';

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

export const tags = ['farmland'];
export const loose = { type: 'object', additionalProperties: true } as const;
export const looseArray = { type: 'array', items: loose } as const;
export const err = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, errorSchema]));
export const READ = err(400, 401, 403, 404);
export const WRITE = err(400, 401, 403, 404, 409);
export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
export const area = {
  areaM2: { type: 'number', exclusiveMinimum: 0, description: 'm² (ellipsoidal)' },
  areaMu: { type: 'number', exclusiveMinimum: 0, description: '亩 (1 亩 = 10000/15 m²)' },
} as const;
export const district6 = { type: 'string', pattern: '^\\d{6}$', description: 'GB/T 2260 district code' } as const;
export const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
export const num = { type: 'number' } as const;
export const nullableNum = { type: ['number', 'null'] } as const;
export const str = { type: 'string' } as const;
export const nullableStr = { type: ['string', 'null'] } as const;

/** null = every district; a district officer's own districts otherwise. */
export const scope = (req: FastifyRequest): string[] | null => (req.user.role === 'district' ? req.user.districts : null);

export function assertDistrict(req: FastifyRequest, ...codes: string[]): void {
  const s = scope(req);
  const bad = s ? codes.filter((c) => !s.includes(c)) : [];
  if (bad.length) throw new HttpError(403, `超出辖区 (outside your districts ${s!.join(', ')}): ${bad.join(', ')}`, 'outside_districts');
}
