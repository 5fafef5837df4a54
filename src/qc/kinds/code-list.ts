// code-list: a coded field holds a code of its list — 三调 地类编码 (DLBM), 用地用海分类代码,
// 行政区划代码 (GB/T 2260). The lists are data in ../codelists/; `prefix` looks up the first
// characters only (坐落单位代码 = 6-digit 行政区划代码 + township and village digits).
import type { QcKind } from '../types.ts';
import { codeListProblems } from '../qc.repository.ts';
import { needString, place, totalOf } from './common.ts';

export const codeList: QcKind = {
  name: 'code-list',
  validate(rule) {
    const p = [...needString(rule, 'field'), ...needString(rule, 'list')];
    if (rule.prefix !== undefined && !(Number.isInteger(rule.prefix) && (rule.prefix as number) > 0))
      p.push(`${rule.id}: prefix must be a whole number of characters`);
    return p;
  },
  async run(ctx, rule) {
    const field = rule.field as string;
    const list = ctx.codeList(rule.list as string);
    const prefix = (rule.prefix as number | undefined) ?? null;
    const rows = await codeListProblems(ctx.q, field, [...list.codes], prefix, ctx.limit);
    return {
      total: totalOf(rows),
      errors: rows.map((r) => ({
        fid: r.fid,
        message: prefix
          ? `要素 ${r.fid}：字段 ${field} 的值“${r.value}”前 ${prefix} 位“${r.value.slice(0, prefix)}”不在${list.title}中 (${field} = "${r.value}": its first ${prefix} characters are not in the list)`
          : `要素 ${r.fid}：字段 ${field} 的值“${r.value}”不在${list.title}中 (${field} = "${r.value}" is not in the code list)`,
        value: r.value,
        ...place(r),
      })),
    };
  },
};
