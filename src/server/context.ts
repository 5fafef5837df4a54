// What every handler may use, built once by buildApp and reached as `req.server.ctx`. Anything a
// request needs beyond its own input — database, configuration, caches — lives here, so two
// applications in one process (tests build many) never share state by accident.
import type { Db } from '../db/index.ts';
import type { Config } from '../config.ts';
import type { CallerCache } from '../auth/callers.ts';
import type { Access } from '../auth/types.ts';
import type { StaleWhileBusy } from '../util/stale-while-busy.ts';
import type { HealthFigures } from './health.ts';
import type { GdalLoader } from '../importers/gdal/loader.ts';

export interface AppContext {
  db: Db;
  config: Config;
  /** Who holds which session cookie or API token, for a few seconds (cleared on user changes). */
  callers: CallerCache;
  /** Every route the application serves and who may call it (filled as routes register). */
  routes: { method: string; url: string; access: Access | undefined }[];
  /** /health's figures for the public, answered from the last reading while the database is busy. */
  health: StaleWhileBusy<HealthFigures>;
  /** gdal3.js for FileGDB, CAD, KML, XLSX, MapInfo uploads: started by the first such file (decision 0014). */
  gdal: GdalLoader;
}
