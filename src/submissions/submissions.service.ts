// 成果提交 → 质检 + 对比 → 入库 / 退回 (issue 17 item 5): the bureau's gate in front of the import.
// A planner or district officer hands in a file for a layer; it is kept (migration 015) and checked
// without writing (check.ts); an administrator or planner other than the submitter then accepts it
// — the real import of the kept file, in one transaction with the status — or returns it with a
// reason. Every step is audited in the transaction of its write.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { User } from '../auth/types.ts';
import type { GdalLoader } from '../importers/gdal/loader.ts';
import { importFile } from '../importers/pipeline.ts';
import { readableLayer, readableLayers } from '../auth/layers.ts';
import { appendAudit } from '../audit/audit.ts';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.ts';
import { qcLayer } from '../qc/qc.service.ts';
import { defaultQcSetup, hasQcRules } from '../qc/engine.ts';
import type { QcReport } from '../qc/types.ts';
import { checkSubmission, importOptions, inside, type SubmitOptions } from './check.ts';
import * as repo from './submissions.repository.ts';

export const STATUS_ZH: Record<repo.SubmissionStatus, string> = {
  pending: '待审核',
  qc_failed: '质检未通过',
  accepted: '已入库',
  returned: '已退回',
};

/** Who may judge a submission: an administrator, or a planner who did not submit it. */
function assertMayDecide(user: User, s: repo.SubmissionRow, what: string): void {
  if (user.role === 'admin') return;
  if (s.submitted_by === user.username)
    throw new Forbidden(`成果提交第 ${s.id} 号由您本人提交，须由其他编制人员或管理员${what} (you may not judge your own submission)`, {
      code: 'own_submission',
    });
}

/** Text that names the temporary folder names the file as submitted instead. */
const asSubmitted = <T>(v: T, dir: string, name: string): T =>
  v === null || v === undefined ? v : (JSON.parse(JSON.stringify(v).split(`${dir}/`).join('').split(dir).join(name)) as T);

export interface SubmitInput {
  /** The uploaded file to open (the .shp among a Shapefile's parts); every file of its folder is kept. */
  path: string;
  name: string;
  options: SubmitOptions;
  note?: string;
}

/** Keeps and checks a file for layer `code`; answers the new submission. */
export async function submit(db: Db, config: Config, code: string, input: SubmitInput, user: User, gdal?: GdalLoader) {
  const { layer } = await readableLayer(db, user, code);
  const dir = dirname(input.path);
  const checked = asSubmitted(await checkSubmission(db, config, input.path, input.name, layer, input.options, user, gdal), dir, input.name);
  const names = (await readdir(dir)).sort();
  const bytes = (await Promise.all(names.map(async (n) => (await stat(join(dir, n))).size))).reduce((a, b) => a + b, 0);
  const id = await db.transaction(async (tx) => {
    const id = await repo.insert(tx, {
      layerId: layer.id,
      status: checked.status,
      fileName: input.name,
      fileBytes: bytes,
      options: { ...input.options },
      baseVersion: checked.baseVersion,
      result: checked.result,
      qc: checked.qc,
      problems: checked.problems,
      diff: checked.diff,
      note: input.note ?? null,
      submittedBy: user.username,
    });
    for (const n of names) await repo.insertFile(tx, id, n, await readFile(join(dir, n)));
    await appendAudit(tx, {
      actor: user.username,
      action: 'submission.submit',
      entity: 'submission',
      entityId: id,
      after: {
        layer: layer.code,
        file: input.name,
        bytes,
        status: checked.status,
        baseVersion: checked.baseVersion,
        qc: checked.qc ? checked.qc.counts.bySeverity : null,
        problems: checked.problems.length,
        diff: checked.diff?.summary ?? null,
      },
    });
    return id;
  });
  return detail(db, user, id);
}

async function visible(db: Db, user: User, id: number, lock = false, q: Parameters<typeof repo.get>[0] = db): Promise<repo.SubmissionRow> {
  const s = await repo.get(q, id, lock);
  // A district officer sees their own submissions only; nobody learns of one on a layer they cannot read.
  const readable = s && (await readableLayers(q, user)).some((l) => l.layer.id === s.layer_id);
  if (!s || !readable || (user.role === 'district' && s.submitted_by !== user.username))
    throw new NotFound(`没有成果提交第 ${id} 号 (no submission ${id})`);
  return s;
}

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());

function head(s: Omit<repo.SubmissionRow, 'result' | 'qc' | 'problems' | 'diff'>) {
  return {
    id: s.id,
    layer: s.layer_code,
    layerName: s.layer_name,
    status: s.status,
    statusLabel: STATUS_ZH[s.status],
    fileName: s.file_name,
    fileBytes: s.file_bytes,
    baseVersion: s.base_version,
    activeVersion: s.active_version,
    stale: (s.status === 'pending' || s.status === 'qc_failed') && s.active_version !== s.base_version,
    version: s.version,
    note: s.note,
    submittedBy: s.submitted_by,
    submittedAt: iso(s.submitted_at)!,
    decidedBy: s.decided_by,
    decidedAt: iso(s.decided_at),
    reason: s.reason,
  };
}

export async function detail(db: Db, user: User, id: number) {
  const s = await visible(db, user, id);
  return { ...head(s), options: s.options, result: s.result, qc: s.qc, problems: s.problems, diff: s.diff } as ReturnType<typeof head> & {
    options: Record<string, unknown>;
    result: unknown;
    qc: QcReport | null;
    problems: unknown[];
    diff: unknown;
  };
}

export async function list(db: Db, user: User, f: { layer?: string; status?: repo.SubmissionStatus; limit?: number }) {
  const readable = new Set((await readableLayers(db, user)).map((l) => l.layer.id));
  const rows = await repo.list(db, {
    ...f,
    limit: Math.min(f.limit ?? 200, 1000),
    submittedBy: user.role === 'district' ? user.username : undefined,
  });
  return rows
    .filter((r) => readable.has(r.layer_id))
    .map((r) => ({
      ...head(r),
      qcBlocking: r.qc_blocking,
      qcWarning: r.qc_warning,
      problemCount: r.problem_count,
      diff: r.diff_summary as { added: number; removed: number; changed: number; areaChangeM2: number; areaChangeMu: number } | null,
    }));
}

/** 入库: the kept file imported as the layer's next version, in one transaction with the status. */
export async function accept(db: Db, config: Config, id: number, user: User, gdal?: GdalLoader) {
  const tmp = await mkdtemp(join(tmpdir(), 'onemap-submission-'));
  let fileName = '';
  try {
    const { changes, version } = await db.transaction(async (tx) => {
      const s = await visible(db, user, id, true, tx);
      fileName = s.file_name;
      if (s.status === 'qc_failed')
        throw new Conflict(
          `成果提交第 ${id} 号（${s.file_name}）质检未通过，不能入库，只能退回 (a submission that failed QC cannot be accepted)`,
          {
            code: 'submission_qc_failed',
          },
        );
      if (s.status !== 'pending')
        throw new Conflict(`成果提交第 ${id} 号已${STATUS_ZH[s.status].replace(/^已/, '')}，不能再入库 (submission ${id} is ${s.status})`, {
          code: 'submission_closed',
        });
      assertMayDecide(user, s, '审核入库');
      const current = await repo.lockLayer(tx, s.layer_id);
      if (current !== s.base_version)
        throw new Conflict(
          `图层 ${s.layer_code} 的现行版本已由提交检查时的${s.base_version === null ? '无数据' : `第 ${s.base_version} 版`}变为第 ${current} 版：本次提交的质检与对比已不代表入库结果，请重新提交并检查后再入库 (the layer changed since the submission was checked: submit again)`,
          { code: 'submission_stale' },
        );
      for (const f of await repo.files(tx, id)) await writeFile(join(tmp, f.name), f.content);
      const run = inside(db, tx);
      const r = await importFile(run.db, config, join(tmp, s.file_name), {
        ...importOptions(s.layer_code, s.options as SubmitOptions, gdal),
        qc: true,
        user: user.username,
        note: `成果提交第 ${id} 号（提交人 ${s.submitted_by}），${user.username} 审核入库${s.note ? `：${s.note}` : ''}`.slice(0, 2000),
      });
      if (r.unchanged)
        throw new Conflict(
          `成果提交第 ${id} 号与现行版本（第 ${r.version} 版）一致，入库不会产生新版本，请退回 (the file equals the version in force)`,
          {
            code: 'submission_unchanged',
          },
        );
      await repo.decide(tx, id, { status: 'accepted', by: user.username, reason: null, version: r.version });
      await appendAudit(tx, {
        actor: user.username,
        action: 'submission.accept',
        entity: 'submission',
        entityId: id,
        before: { status: s.status, baseVersion: s.base_version },
        after: { status: 'accepted', layer: s.layer_code, version: r.version, added: r.added, removed: r.removed, changed: r.changed },
      });
      return { changes: run.changes, version: r.version };
    });
    // After COMMIT: tile caches drop the old version (the import announced it inside the transaction).
    for (const c of changes) db.events.layerChanged(c);
    void version;
  } catch (e) {
    const err = e as Error & { problems?: unknown[] };
    if (fileName) {
      err.message = asSubmitted(err.message, tmp, fileName);
      if (Array.isArray(err.problems)) err.problems = asSubmitted(err.problems, tmp, fileName);
    }
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return detail(db, user, id);
}

/** 退回: closes the submission with the reason; nothing is written to the layer. */
export async function giveBack(db: Db, id: number, user: User, reason: string) {
  const why = reason.trim();
  if (!why) throw new Invalid('退回须写明理由 (a reason is required to return a submission)', { code: 'reason_required' });
  await db.transaction(async (tx) => {
    const s = await visible(db, user, id, true, tx);
    if (s.status !== 'pending' && s.status !== 'qc_failed')
      throw new Conflict(`成果提交第 ${id} 号已${STATUS_ZH[s.status].replace(/^已/, '')}，不能退回 (submission ${id} is ${s.status})`, {
        code: 'submission_closed',
      });
    assertMayDecide(user, s, '退回');
    await repo.decide(tx, id, { status: 'returned', by: user.username, reason: why, version: null });
    await appendAudit(tx, {
      actor: user.username,
      action: 'submission.return',
      entity: 'submission',
      entityId: id,
      before: { status: s.status },
      after: { status: 'returned', layer: s.layer_code, reason: why },
    });
  });
  return detail(db, user, id);
}

/** The QC report of a submission. */
export async function submissionQc(db: Db, user: User, id: number): Promise<QcReport> {
  const s = await visible(db, user, id);
  if (!s.qc) throw new NotFound(`图层 ${s.layer_code} 没有质检规则，成果提交第 ${id} 号无质检报告 (no QC report)`);
  return s.qc as QcReport;
}

/** Per version of a layer: the submission it came from (入库 through 成果提交), if any. */
export async function submissionsByVersion(db: Db, layerId: number) {
  return new Map((await repo.byVersion(db, layerId)).map((r) => [r.version, r]));
}

/**
 * The QC report of a layer version: the one its submission was accepted with, else the layer's
 * rules run on the stored version now (qcLayer).
 */
export async function versionQc(db: Db, config: Config, user: User, code: string, version: number): Promise<QcReport> {
  const { layer, districts } = await readableLayer(db, user, code);
  if (districts) throw new Forbidden(`质检报告列出全市要素；区县人员只能查看辖区内的 ${layer.code} (not for district officers)`);
  const s = await repo.acceptedAt(db, layer.id, version);
  if (s?.qc) return s.qc as QcReport;
  if (!hasQcRules(defaultQcSetup(), layer.code)) throw new NotFound(`图层 ${layer.code} 没有质检规则 (no QC rules for ${layer.code})`);
  return qcLayer(db, config, layer.code, { version });
}
