// Shared by the import benchmarks: GDAL's connection string for a PostgreSQL URL and schema (the
// ogr2ogr baseline), and the median the machines' noise calls for.
export function pgConn(url: string, schema: string): string {
  const u = new URL(url);
  const kv = [`dbname=${u.pathname.slice(1)}`, `host=${u.hostname}`, `port=${u.port || 5432}`, `user=${decodeURIComponent(u.username)}`];
  if (u.password) kv.push(`password=${decodeURIComponent(u.password)}`);
  kv.push(`active_schema=${schema}`);
  return `PG:${kv.join(' ')}`;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
