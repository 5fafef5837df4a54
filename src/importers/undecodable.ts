// Text that did not decode: iconv-lite and TextDecoder put U+FFFD where bytes are not valid in the
// encoding read with, and 水田 silently becomes "�ϳ���" in the store. Each such field is named once
// per feature so the user can re-import with the right --encoding; the list is capped because a
// whole file in the wrong encoding would otherwise produce one warning per feature.

const SHOWN = 10;

export class UndecodableText {
  private count = 0;
  constructor(
    private readonly file: string,
    private readonly encoding: string,
    private readonly warnings: string[],
  ) {}

  /** Checks one feature's attributes; `feature` is how a person finds it, e.g. 「第 3 个要素」. */
  check(feature: string, props: Record<string, unknown>): void {
    let fields: string[] | undefined;
    for (const [k, v] of Object.entries(props)) {
      if ((typeof v === 'string' && v.includes('\uFFFD')) || k.includes('\uFFFD')) (fields ??= []).push(k);
    }
    if (!fields) return;
    this.count++;
    if (this.count > SHOWN) return;
    this.warnings.push(
      `文件 ${this.file} ${feature}的字段 ${fields.join('、')} 含无法解码的字符（按 ${this.encoding} 读取），已显示为 �；请用 --encoding 指明文件的编码 (${this.file}, ${feature}: field ${fields.join(', ')} is not valid ${this.encoding} and was stored with U+FFFD; pass --encoding)`,
    );
  }

  /** After the last feature: how many more features had such text than were named. */
  finish(): void {
    if (this.count > SHOWN)
      this.warnings.push(
        `文件 ${this.file} 另有 ${this.count - SHOWN} 个要素含无法解码的字符（共 ${this.count} 个，按 ${this.encoding} 读取） (${this.count} features in all have text that is not valid ${this.encoding})`,
      );
  }
}
