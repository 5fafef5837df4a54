// Review opinion document (审查意见书) renderers. The PDF is drawn with pdfkit: pure JavaScript, no
// headless browser to install or keep patched, so it runs on the embedded default setup (PGlite, no
// system packages) as well as on a server; fonts come from @fontsource/noto-sans-sc unless
// ONEMAP_PDF_FONT names a system font.
export { renderOpinionHtml } from './html.ts';
export { renderOpinionPdf, pdfOptionsFromEnv, type PdfOptions, type PdfFontOptions } from './pdf.ts';
