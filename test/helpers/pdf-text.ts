// Text of a PDF, page by page, through pdfjs (what a reader's copy-paste would give).
// pdfjs-dist 6 targets Node ≥ 22.13 and calls Promise.withResolvers, which Node 20 lacks.
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
const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
// In Node pdfjs runs its worker in the main thread ("fake worker"); point it at the legacy build.
pdfjs.GlobalWorkerOptions.workerSrc = import.meta.resolve('pdfjs-dist/legacy/build/pdf.worker.mjs');


export async function pdfText(buf: Buffer): Promise<{ pages: string[]; info: Record<string, unknown> }> {
  const task = pdfjs.getDocument({ data: new Uint8Array(buf) });
  const doc = await task.promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(''));
  }
  const { info } = await doc.getMetadata();
  await task.destroy();
  return { pages, info: info as Record<string, unknown> };
}
