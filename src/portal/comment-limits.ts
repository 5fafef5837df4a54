// Limits on public comments (issue 22 item 9): before, anonymous comments were held only by the
// global anonymous rate (1,200 requests a minute), so one address could file thousands of comments
// on a consultation and bury everyone else's. Counted from the audit trail (portal.repository.ts
// recentCommentsFrom), so the limits hold across restarts and across app servers on one database.
import type { Queryable } from '../db/index.ts';
import { RateLimited } from '../errors.ts';
import * as repo from './portal.repository.ts';

export const COMMENT_LIMITS = Object.freeze({
  /**
   * Comments from one address on one consultation in 24 hours. A resident with several points makes
   * them in one comment of up to 2,000 characters; a household or a shared office line sends a few.
   */
  perConsultation: 5,
  consultationHours: 24,
  /**
   * Comments from one address on all consultations in an hour: room for a community meeting where
   * several residents comment from one network, not for a script.
   */
  perAddress: 30,
  addressMinutes: 60,
});

/** Refuses (429, Retry-After) a comment from `ip` over either limit. Call inside the comment's transaction. */
export async function assertCommentAllowed(tx: Queryable, ip: string, consultationId: number, title: string): Promise<void> {
  const l = COMMENT_LIMITS;
  const f = await repo.recentCommentsFrom(tx, ip, consultationId, {
    consultationHours: l.consultationHours,
    addressMinutes: l.addressMinutes,
  });
  // Seconds until the oldest comment in the window leaves it.
  const wait = (oldest: string | null, windowMs: number) =>
    Math.max(1, Math.ceil((Date.parse(oldest ?? '') + windowMs - Date.now()) / 1000) || Math.ceil(windowMs / 1000));
  if (f.to_consultation >= l.perConsultation) {
    const s = wait(f.oldest_consultation, l.consultationHours * 3600_000);
    throw new RateLimited(
      `此地址 ${l.consultationHours} 小时内已对“${title}”提交 ${f.to_consultation} 条意见，达到每个公示每个地址上限 ${l.perConsultation} 条，请约 ${hours(s)} 后再提交，或把意见合并在一条中 (at most ${l.perConsultation} comments per address on one consultation in ${l.consultationHours} hours)`,
      s,
    );
  }
  if (f.from_address >= l.perAddress) {
    const s = wait(f.oldest_address, l.addressMinutes * 60_000);
    throw new RateLimited(
      `此地址 ${l.addressMinutes} 分钟内已提交 ${f.from_address} 条意见，达到每个地址上限 ${l.perAddress} 条，请约 ${Math.ceil(s / 60)} 分钟后再试 (at most ${l.perAddress} comments per address in ${l.addressMinutes} minutes)`,
      s,
    );
  }
}

const hours = (s: number) => (s >= 3600 ? `${Math.ceil(s / 3600)} 小时` : `${Math.ceil(s / 60)} 分钟`);
