// The command line's side of the one error model (decision 0007): a domain error becomes an exit
// status and a Chinese line on stderr (or `{ error, code, problems }` with --json), the way
// server/errors.ts makes it an HTTP answer. Exit statuses: 0 done, 2 the command was called
// wrongly (usage), 1 anything else — the data, the state of the database or the machine said no.
import { DomainError, type ErrorKind } from '../errors.ts';

export class UsageError extends Error {}

/** How a refusal of each kind is introduced on the terminal. */
const LEAD: Record<ErrorKind, string> = {
  invalid: '输入有误',
  unauthenticated: '未登录',
  forbidden: '无权限',
  not_found: '不存在',
  conflict: '与现有数据冲突',
  illegal_transition: '不能办理这一步',
  too_large: '超出上限',
  unsupported: '不支持的格式',
  rate_limited: '请求过于频繁',
  unavailable: '暂不可用',
  timeout: '超时',
};

/** Codes whose refusal reads better with its own lead than with its kind's. */
const CODE_LEAD: Record<string, string> = {
  import_error: '导入失败（数据库未作任何修改）',
  import_rejected: '导入被拒绝（数据库未作任何修改）',
  qc_rejected: '质检不通过，未入库（数据库未作任何修改）',
};

export interface CliFailure {
  exitCode: number;
  /** Lines for stderr. */
  lines: string[];
  /** What --json prints. */
  json: { error: string; code: string; problems?: unknown[] };
}

export function cliFailure(e: unknown): CliFailure {
  if (e instanceof UsageError) return { exitCode: 2, lines: [e.message], json: { error: e.message, code: 'usage' } };
  if (e instanceof DomainError) {
    return {
      exitCode: 1,
      lines: [`${CODE_LEAD[e.code] ?? LEAD[e.kind]}: ${e.message}`],
      json: { error: e.message, code: e.code, ...(e.problems?.length ? { problems: e.problems } : {}) },
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { exitCode: 1, lines: [`错误: ${message}`], json: { error: message, code: 'internal' } };
}
