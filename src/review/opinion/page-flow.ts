// The page cursor both PDF documents (the review opinion, the indicators' yearly report) write with:
// where the next line goes on the page, and a new page when what comes next would not fit.

/** A page's margins in points: left and right, top, bottom. */
export interface PageMargins {
  margin: number;
  top: number;
  bottom: number;
}

export class PageFlow {
  y: number;
  readonly left: number;
  readonly width: number;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly page: PageMargins,
  ) {
    this.y = page.top;
    this.left = page.margin;
    this.width = doc.page.width - 2 * page.margin;
  }

  get bottom() {
    return this.doc.page.height - this.page.bottom;
  }

  newPage() {
    this.doc.addPage();
    this.y = this.page.top;
  }

  /** Starts a new page unless `h` points still fit on this one. */
  ensure(h: number) {
    if (this.y + h > this.bottom && this.y > this.page.top) this.newPage();
  }
}
