// Plans under public consultation (批前公示, 城乡规划法 第二十六条: a plan is published before
// approval and the public's opinions are heard) and the comments citizens leave on them.
// Comments arrive anonymously as 'pending'; planners or administrators approve or reject them with
// a reason, and only approved comments are ever shown publicly (contact details never are).
// "Open" is decided by the platform clock (config.clock, China Standard Time), both days included.
import type { Db, Queryable } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../util/clock.ts';
import { appendAudit } from '../audit/audit.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import { m2ToMu } from '../area/units.ts';
import { daysBetween } from '../util/clock.ts';
import { parcelsFromBody } from '../review/input.ts';
import * as repo from './portal.repository.ts';
import { assertCommentAllowed } from './comment-limits.ts';

export type ConsultationState = 'upcoming' | 'open' | 'closed';
export const STATE_ZH: Record<ConsultationState, string> = { upcoming: '即将公示', open: '公示中', closed: '已结束' };
export type CommentStatus = 'pending' | 'approved' | 'rejected';
export const COMMENT_STATUS_ZH: Record<CommentStatus, string> = { pending: '待审核', approved: '已公开', rejected: '不予公开' };

/** Comment length in characters (as PostgreSQL counts them), 5–2000 (migration 007). */
export const COMMENT_MIN = 5;
export const COMMENT_MAX = 2000;

/** A consultation as everyone sees it: what staff wrote (title, dates, documents…) and its state. */
export interface ConsultationSummary extends repo.ConsultationWrite {
  id: number;
  state: ConsultationState;
  stateName: string;
  /** Days left including today while open (end day counts); null otherwise. */
  daysLeft: number | null;
  bbox: [number, number, number, number];
  areaM2: number;
  areaMu: number;
  approvedComments: number;
}

export interface StaffCounts {
  pendingComments: number;
  rejectedComments: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export const consultationState = (start: string, end: string, today: string): ConsultationState =>
  today < start ? 'upcoming' : today > end ? 'closed' : 'open';

/** 2026-03-05 → 2026年03月05日 (the customary form in Chinese notices). */
export const zhDate = (d: string) => `${d.slice(0, 4)}年${d.slice(5, 7)}月${d.slice(8, 10)}日`;

export function toSummary(r: repo.ConsultationRow, today: string): ConsultationSummary {
  const state = consultationState(r.start_date, r.end_date, today);
  return {
    id: r.id,
    title: r.title,
    summary: r.summary,
    planType: r.plan_type,
    organiser: r.organiser,
    startDate: r.start_date,
    endDate: r.end_date,
    state,
    stateName: STATE_ZH[state],
    daysLeft: state === 'open' ? daysBetween(today, r.end_date) + 1 : null,
    documents: r.documents,
    bbox: r.bbox,
    areaM2: r.area_m2,
    areaMu: m2ToMu(r.area_m2),
    approvedComments: r.approved_comments,
  };
}

const staffCounts = (r: repo.ConsultationRow): StaffCounts => ({
  pendingComments: r.pending_comments,
  rejectedComments: r.rejected_comments,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function listConsultations(db: Queryable, clock: Clock, f: { state?: ConsultationState; limit?: number }, staff: boolean) {
  const today = clock.today();
  const rows = await repo.listConsultations(db, { today, state: f.state, limit: Math.min(f.limit ?? 100, 500) });
  return rows.map((r) => ({ ...toSummary(r, today), ...(staff ? staffCounts(r) : {}) }));
}

async function mustFind(q: Queryable, id: number, lock = false) {
  const c = await repo.findConsultation(q, id, { lock });
  if (!c) throw new NotFound(`征求意见项目 ${id} 不存在 (consultation ${id} does not exist)`);
  return c;
}

/** One consultation with its area and its approved comments (all comments for moderators). */
export async function getConsultation(db: Queryable, clock: Clock, id: number, staff: boolean) {
  const today = clock.today();
  const c = await mustFind(db, id);
  const comments = (await repo.listComments(db, { consultationId: id, status: 'approved', limit: 500, offset: 0 })).map((m) => ({
    id: m.id,
    name: m.author_name,
    text: m.body,
    submittedOn: m.submitted_on,
  }));
  return { ...toSummary(c, today), ...(staff ? staffCounts(c) : {}), geometry: c.geometry, comments };
}

/**
 * The areas of consultations as a GeoJSON FeatureCollection (EPSG:4490 lon/lat), so the public map
 * can show where plans are under consultation without fetching each one.
 */
export async function consultationAreas(db: Queryable, clock: Clock, f: { state?: ConsultationState; limit?: number }) {
  const today = clock.today();
  const rows = await repo.consultationAreas(db, { today, state: f.state, limit: Math.min(f.limit ?? 100, 500) });
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => {
      const s = toSummary(r, today);
      return {
        type: 'Feature' as const,
        id: r.id,
        geometry: r.geometry,
        properties: {
          id: s.id,
          title: s.title,
          state: s.state,
          stateName: s.stateName,
          daysLeft: s.daysLeft,
          startDate: s.startDate,
          endDate: s.endDate,
        },
      };
    }),
  };
}

// Staff writes -----------------------------------------------------------------------------------

export interface ConsultationInput {
  title?: string;
  summary?: string;
  planType?: string | null;
  organiser?: string | null;
  startDate?: string;
  endDate?: string;
  documents?: { title: string; url?: string }[];
  /** GeoJSON (geometry, Feature or FeatureCollection); lon/lat CGCS2000 unless a crs member or srid says otherwise. */
  geojson?: unknown;
  srid?: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (d: string) =>
  DATE.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

function checkWrite(c: repo.ConsultationWrite): void {
  const problems: string[] = [];
  if (!c.title.trim()) problems.push('title (标题) must not be empty');
  if (!validDate(c.startDate)) problems.push(`startDate must be a date YYYY-MM-DD, got "${c.startDate}"`);
  if (!validDate(c.endDate)) problems.push(`endDate must be a date YYYY-MM-DD, got "${c.endDate}"`);
  if (validDate(c.startDate) && validDate(c.endDate) && c.endDate < c.startDate)
    problems.push(`endDate ${c.endDate} is before startDate ${c.startDate}`);
  c.documents.forEach((d, i) => {
    if (!d?.title?.trim()) problems.push(`documents[${i}].title must not be empty`);
  });
  if (problems.length)
    throw new Invalid(`征求意见项目无效 (invalid consultation): ${problems.join('; ')}`, {
      code: 'invalid_consultation',
      problems: problems,
    });
}

async function geometryParts(db: Db, config: Config, input: ConsultationInput): Promise<string[]> {
  const parcels = await parcelsFromBody(db, config, { geojson: input.geojson }, { srid: input.srid });
  if (!parcels.length) throw new Invalid('geojson: the consultation area needs at least one polygon');
  return parcels.map((p) => p.ewkb);
}

export async function createConsultation(db: Db, config: Config, input: ConsultationInput, user: string) {
  if (input.geojson === undefined) throw new Invalid('geojson: the consultation area (公示范围) is required');
  const w: repo.ConsultationWrite = {
    title: (input.title ?? '').trim(),
    summary: input.summary ?? '',
    planType: input.planType ?? null,
    organiser: input.organiser ?? null,
    startDate: input.startDate ?? '',
    endDate: input.endDate ?? '',
    documents: input.documents ?? [],
  };
  checkWrite(w);
  const parts = await geometryParts(db, config, input);
  const id = await db.transaction(async (tx) => {
    const id = await repo.insertConsultation(tx, w, parts, user);
    await appendAudit(tx, {
      actor: user,
      action: 'consultation.create',
      entity: 'consultation',
      entityId: id,
      after: { ...w, parts: parts.length },
    });
    return id;
  });
  return getConsultation(db, config.clock, id, true);
}

export async function updateConsultation(db: Db, config: Config, id: number, input: ConsultationInput, user: string) {
  const parts = input.geojson === undefined ? null : await geometryParts(db, config, input);
  await db.transaction(async (tx) => {
    const c = await mustFind(tx, id, true);
    const before: repo.ConsultationWrite = {
      title: c.title,
      summary: c.summary,
      planType: c.plan_type,
      organiser: c.organiser,
      startDate: c.start_date,
      endDate: c.end_date,
      documents: c.documents,
    };
    const after: repo.ConsultationWrite = {
      title: input.title === undefined ? before.title : input.title.trim(),
      summary: input.summary ?? before.summary,
      planType: input.planType === undefined ? before.planType : input.planType,
      organiser: input.organiser === undefined ? before.organiser : input.organiser,
      startDate: input.startDate ?? before.startDate,
      endDate: input.endDate ?? before.endDate,
      documents: input.documents ?? before.documents,
    };
    checkWrite(after);
    await repo.updateConsultation(tx, id, after, parts);
    await appendAudit(tx, {
      actor: user,
      action: 'consultation.update',
      entity: 'consultation',
      entityId: id,
      before,
      after: { ...after, ...(parts ? { parts: parts.length } : {}) },
    });
  });
  return getConsultation(db, config.clock, id, true);
}

/** Deleting is for mistakes only: once the public has commented, the record stays (留痕). */
export async function deleteConsultation(db: Db, id: number, user: string): Promise<void> {
  await db.transaction(async (tx) => {
    const c = await mustFind(tx, id, true);
    const n = await repo.commentCount(tx, id);
    if (n > 0)
      throw new Conflict(
        `征求意见项目 ${id} 已有 ${n} 条公众意见，不能删除 (consultation ${id} has ${n} comments and cannot be deleted; change its dates to close it instead)`,
      );
    await repo.deleteConsultation(tx, id);
    await appendAudit(tx, {
      actor: user,
      action: 'consultation.delete',
      entity: 'consultation',
      entityId: id,
      before: { title: c.title, startDate: c.start_date, endDate: c.end_date },
    });
  });
}

// Comments ----------------------------------------------------------------------------------------

export interface CommentInput {
  name?: string | null;
  contact?: string | null;
  text: string;
}

const chars = (s: string) => [...s].length;
const blankToNull = (s: string | null | undefined) => (s == null || s.trim() === '' ? null : s.trim());

/** A citizen's comment: stored as pending, only while the consultation is open. */
/**
 * `ip`: the sender's address (HTTP), held to COMMENT_LIMITS (comment-limits.ts) and kept in the audit
 * entry they are counted from; null for a comment entered by the platform itself (demo data).
 */
export async function submitComment(
  db: Db,
  clock: Clock,
  consultationId: number,
  input: CommentInput,
  actor: string,
  ip: string | null = null,
) {
  const text = (input.text ?? '').trim();
  const n = chars(text);
  if (n < COMMENT_MIN || n > COMMENT_MAX) {
    throw new Invalid(`意见内容须为 ${COMMENT_MIN}–${COMMENT_MAX} 个字 (text must be ${COMMENT_MIN}–${COMMENT_MAX} characters, got ${n})`, {
      code: 'invalid_comment',
    });
  }
  const name = blankToNull(input.name);
  const contact = blankToNull(input.contact);
  if (name && chars(name) > 50) throw new Invalid(`name must be at most 50 characters, got ${chars(name)}`, { code: 'invalid_comment' });
  if (contact && chars(contact) > 100)
    throw new Invalid(`contact must be at most 100 characters, got ${chars(contact)}`, { code: 'invalid_comment' });
  const today = clock.today();
  return db.transaction(async (tx) => {
    const c = await mustFind(tx, consultationId);
    const state = consultationState(c.start_date, c.end_date, today);
    if (state === 'closed')
      throw new Conflict(
        `“${c.title}”的公示已于${zhDate(c.end_date)}结束，不再接收意见 (the consultation closed on ${c.end_date}; comments are no longer accepted)`,
        { code: 'consultation_closed' },
      );
    if (state === 'upcoming')
      throw new Conflict(
        `“${c.title}”的公示将于${zhDate(c.start_date)}开始，届时方可提交意见 (the consultation opens on ${c.start_date})`,
        { code: 'consultation_not_open' },
      );
    if (ip !== null) await assertCommentAllowed(tx, ip, consultationId, c.title);
    const row = await repo.insertComment(tx, { consultationId, name, contact, body: text, today });
    // Contact details are personal information (个人信息保护法 第六条, minimum necessary): the
    // trail records that one was given, not what it was.
    await appendAudit(tx, {
      actor,
      action: 'consultation.comment',
      entity: 'consultation_comment',
      entityId: row.id,
      after: { consultationId, name, contactGiven: contact !== null, text, status: 'pending', ...(ip !== null ? { ip } : {}) },
    });
    return {
      id: row.id,
      consultationId,
      status: row.status,
      statusName: COMMENT_STATUS_ZH[row.status],
      submittedOn: row.submitted_on,
      message: '意见已提交，审核通过后公开显示 (your comment is received and will be shown once moderated)',
    };
  });
}

const commentOut = (m: repo.CommentRow) => ({
  id: m.id,
  consultationId: m.consultation_id,
  consultationTitle: m.consultation_title,
  name: m.author_name,
  contact: m.contact,
  text: m.body,
  status: m.status,
  statusName: COMMENT_STATUS_ZH[m.status],
  submittedOn: m.submitted_on,
  createdAt: m.created_at,
  moderatedBy: m.moderated_by,
  moderatedAt: m.moderated_at,
  reason: m.moderation_reason,
});

export async function listComments(db: Queryable, f: { status?: CommentStatus; consultationId?: number; limit?: number; offset?: number }) {
  return (
    await repo.listComments(db, {
      status: f.status,
      consultationId: f.consultationId,
      limit: Math.min(f.limit ?? 100, 500),
      offset: f.offset ?? 0,
    })
  ).map(commentOut);
}

/** Approve (shown publicly) or reject (kept, never shown) a comment; a rejection needs a reason. */
export async function moderateComment(db: Db, id: number, m: { decision: 'approved' | 'rejected'; reason?: string }, user: string) {
  const reason = blankToNull(m.reason);
  if (m.decision === 'rejected' && (!reason || chars(reason) < 2))
    throw new Invalid(`reason: rejecting comment ${id} needs a reason (不予公开须说明理由)`, { code: 'reason_required' });
  return db.transaction(async (tx) => {
    const c = await repo.findComment(tx, id, { lock: true });
    if (!c) throw new NotFound(`公众意见 ${id} 不存在 (comment ${id} does not exist)`);
    if (c.status === m.decision) throw new Conflict(`comment ${id} is already ${m.decision} (${COMMENT_STATUS_ZH[c.status]})`);
    await repo.setCommentStatus(tx, id, m.decision, user, reason);
    await appendAudit(tx, {
      actor: user,
      action: 'consultation.comment.moderate',
      entity: 'consultation_comment',
      entityId: id,
      before: { status: c.status, reason: c.moderation_reason },
      after: { status: m.decision, reason },
    });
    return commentOut((await repo.findComment(tx, id))!);
  });
}
