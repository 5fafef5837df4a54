// `onemap audit verify`: recompute the audit trail's hash chain (migration 009) and name the first
// row that was edited, inserted or removed behind the append-only triggers. Exit 0 intact, 1 broken.
import type { Config } from '../config.ts';
import { verifyAudit } from '../audit/audit.ts';
import { withDb, print } from './db.ts';
import type { Args } from './args.ts';
import { UsageError } from './errors.ts';

export async function cmdAudit(config: Config, a: Args): Promise<number> {
  if (a._[1] !== 'verify') throw new UsageError('onemap audit verify [--json]   核验审计日志哈希链 (verify the audit trail hash chain)');
  const r = await withDb(config, (db) => verifyAudit(db));
  if (a.flags.json === true) print(r);
  else if (!r.broken) {
    console.log(`审计日志完整：共 ${r.rows} 条，哈希链无断点。最新一条 #${r.headId ?? '-'}，哈希 ${r.headHash ?? '-'}`);
    console.log('（请将最新哈希另行留存；下次核验时若最新一条早于此，说明末尾记录被删除。）');
  } else {
    const b = r.broken;
    const what = b.reason === 'link' ? '与前一条的链接不符（其前有记录被删除或插入）' : '内容与其哈希不符（该条被修改）';
    console.error(`审计日志被篡改：第 #${b.id} 条（${b.at}，${b.actor}，${b.action}）${what}。共 ${r.rows} 条。`);
  }
  return r.broken ? 1 : 0;
}
