// Text of a PDF, page by page (what a reader's copy-paste would give), through unpdf's bundled
// pdf.js build, which has no native or platform-specific dependencies.
import { getDocumentProxy, getMeta } from 'unpdf';

// The bundled pdf.js calls Promise.withResolvers (Node ≥ 22); Node 20 lacks it.
const P = Promise as unknown as { withResolvers?: unknown };
P.withResolvers ??= function withResolvers<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};

export async function pdfText(buf: Buffer): Promise<{ pages: string[]; info: Record<string, unknown> }> {
  const doc = await getDocumentProxy(new Uint8Array(buf));
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    // Items joined as they are drawn: a table cell wrapped over two lines reads as one string.
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(''));
  }
  const { info } = await getMeta(doc);
  return { pages, info: info as Record<string, unknown> };
}
