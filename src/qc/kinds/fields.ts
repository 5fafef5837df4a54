// fields: required fields filled, values of the declared type, text within its length — the
// field table of the database standard (字段名称、类型、长度), kept in the rule set as data.
import type { QcKind } from '../types.ts';
import { fieldProblems } from '../qc.repository.ts';
import { place, totalOf } from './common.ts';

interface FieldDef {
  name: string;
  type: 'text' | 'number' | 'integer';
  required?: boolean;
  maxLength?: number;
}

const TYPE_ZH: Record<string, string> = { text: '文本', number: '数值', integer: '整数' };
const JSON_ZH: Record<string, string> = { string: '文本', number: '数值', boolean: '布尔值', object: '对象', array: '数组' };

export const fields: QcKind = {
  name: 'fields',
  validate(rule) {
    const list = rule.fields;
    if (!Array.isArray(list) || list.length === 0) return [`${rule.id}: fields required (an array of {name, type, required?, maxLength?})`];
    return list.flatMap((f: FieldDef, i) =>
      typeof f?.name === 'string' && ['text', 'number', 'integer'].includes(f.type)
        ? []
        : [`${rule.id}: fields[${i}] needs a name and a type text|number|integer`],
    );
  },
  async run(ctx, rule) {
    const rows = await fieldProblems(ctx.q, rule.fields as FieldDef[], ctx.limit);
    return {
      total: totalOf(rows),
      errors: rows.map((r) => {
        const message =
          r.problem === 'missing'
            ? `要素 ${r.fid}：必填字段 ${r.name} 为空 (required field ${r.name} is empty)`
            : r.problem === 'type'
              ? `要素 ${r.fid}：字段 ${r.name} 应为${TYPE_ZH[r.type]}，实为${JSON_ZH[r.vtype ?? ''] ?? r.vtype}“${r.value}” (field ${r.name} should be ${r.type})`
              : `要素 ${r.fid}：字段 ${r.name} 长 ${[...(r.value ?? '')].length} 个字符，超过标准规定的 ${r.maxlen} 个 (field ${r.name} longer than ${r.maxlen})`;
        return { fid: r.fid, message, value: r.value, ...place(r) };
      }),
    };
  },
};
