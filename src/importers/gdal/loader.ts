// gdal3.js (GDAL 3.8 compiled to WebAssembly, decision 0014) for the long tail of formats: FileGDB,
// DXF/DWG, KML/KMZ, XLSX, MapInfo, CSV with WKT. Loaded only when such a file arrives, once per
// process: buildApp and the CLI each create one GdalLoader and pass it down (no module-level state
// of ours). gdal3.js itself keeps one Emscripten module with one mounted input folder per process,
// so calls through a loader are serialised, and outputs stay in its in-memory file system under
// unique names (two loaders in one process, as in tests, then cannot overwrite each other's files).
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

export interface GdalDataset {
  pointer: number;
  path: string;
  type: string;
}
export interface GdalFilePath {
  local: string;
  real: string;
}
/** The part of gdal3.js's API the readers use (node_modules/gdal3.js/src/index.d.ts). */
export interface Gdal {
  open(files: string | string[], options?: string[], vfsHandlers?: string[]): Promise<{ datasets: GdalDataset[]; errors: unknown[] }>;
  ogrinfo(ds: GdalDataset, options?: string[]): Promise<unknown>;
  ogr2ogr(ds: GdalDataset, options?: string[], outputName?: string): Promise<GdalFilePath>;
  close(ds: GdalDataset): Promise<void>;
  drivers: { vector: Record<string, unknown> };
  /** The Emscripten module: ogr2ogr's output is read from, and removed from, its in-memory file system. */
  Module: { FS: { readFile(path: string, opts: { encoding: 'utf8' }): string; unlink(path: string): void } };
}

type Init = (config: {
  path: string;
  useWorker: boolean;
  logHandler: (msg: string, type: string) => void;
  errorHandler: (msg: string, type: string) => void;
}) => Promise<Gdal>;

/** The one gdal3.js instance of a process (an app, a CLI run), started on first use. */
export class GdalLoader {
  private started?: Promise<Gdal>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Milliseconds the WebAssembly module took to load (for the decision record and logs). */
  loadMs?: number;

  /** Runs `fn` with exclusive use of GDAL. */
  run<T>(fn: (gdal: Gdal) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => fn(await this.load()));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private load(): Promise<Gdal> {
    if (!this.started) {
      const t0 = Date.now();
      const require = createRequire(import.meta.url);
      const dist = join(dirname(require.resolve('gdal3.js/package.json')), 'dist', 'package');
      const init = require('gdal3.js/node.js') as Init;
      // gdal3.js prefixes "./" to the path, so it must be relative to the working directory.
      this.started = init({
        path: relative(process.cwd(), dist) || '.',
        useWorker: false,
        // GDAL's messages reach the user through ImportError (the open's error list), not stderr.
        logHandler: () => {},
        errorHandler: () => {},
      }).then((g) => {
        this.loadMs = Date.now() - t0;
        return g;
      });
      // A failed start is retried by the next file rather than remembered for the process.
      this.started.catch(() => (this.started = undefined));
    }
    return this.started;
  }
}
