// Runtime configuration from the environment, with the defaults a Hangzhou bureau expects.
import { dbConfigFromEnv, type DbConfig } from './db/index.ts';

export interface Config {
  db: DbConfig;
  /** City extent in EPSG:4490 [minLon, minLat, maxLon, maxLat]; imports outside it are refused. */
  cityExtent: [number, number, number, number];
  /** Degrees added around the city extent before a feature counts as outside (~25 km). */
  extentMargin: number;
  port: number;
  host: string;
}

// Hangzhou's extent, roughly 118.34–120.72°E, 29.18–30.57°N (domain.md §2).
export const HANGZHOU_EXTENT: [number, number, number, number] = [118.34, 29.18, 120.72, 30.57];

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  let extent = HANGZHOU_EXTENT;
  if (env.ONEMAP_EXTENT) {
    const v = env.ONEMAP_EXTENT.split(',').map(Number);
    if (v.length !== 4 || v.some((n) => !Number.isFinite(n))) throw new Error(`ONEMAP_EXTENT must be "minLon,minLat,maxLon,maxLat", got "${env.ONEMAP_EXTENT}"`);
    extent = v as [number, number, number, number];
  }
  return {
    db: dbConfigFromEnv(env),
    cityExtent: extent,
    extentMargin: 0.25,
    port: Number(env.PORT ?? 8080),
    host: env.HOST ?? '0.0.0.0',
  };
}
