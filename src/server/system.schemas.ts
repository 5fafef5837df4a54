// Schemas of the platform's own routes (/health).
import { Obj, Str, Int, Enum, Bbox, errors } from '../schema.ts';

export const health = {
  tags: ['system'],
  summary: '运行状态 (health): layer and feature counts of what the caller may read',
  response: {
    200: Obj({
      status: Enum(['ok']),
      database: Enum(['pglite', 'postgres'], { description: 'embedded PGlite or a PostgreSQL server' }),
      postgres: Str({ description: 'server_version' }),
      postgis: Str({ description: 'postgis_lib_version()' }),
      layers: Int({ description: 'layers this caller may read' }),
      layersWithFeatures: Int(),
      features: Int(),
      extent: Bbox,
      checkedAt: Str({
        description:
          'when the figures were read from the database; for anonymous callers they may come from the last reading while the embedded database is busy (an import)',
      }),
    }),
    ...errors(429),
  },
};
