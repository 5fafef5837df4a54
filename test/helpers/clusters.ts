// Throw-away PostgreSQL clusters for tests that need more than one server (a primary and a hot
// standby): initdb into a temporary folder on a free loopback port, run as the postgres user,
// stopped (immediate) and removed by stop() — also from a process 'exit' hook, so a test that
// fails or times out leaves no server behind.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const PG_BIN = process.env.ONEMAP_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why clusters cannot be made here, or null when they can. */
export function clustersUnavailable(): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'must run as root (the clusters run as the postgres user through runuser)';
  for (const b of ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'])
    if (!existsSync(join(PG_BIN, b))) return `PostgreSQL binary ${join(PG_BIN, b)} is missing (set ONEMAP_PG_BIN)`;
  if (!existsSync('/usr/sbin/runuser') && !existsSync('/usr/bin/runuser')) return 'runuser is missing';
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) return 'there is no postgres user';
  const major = /(\d+)\/bin\/?$/.exec(PG_BIN)?.[1] ?? '15';
  if (!existsSync(`/usr/share/postgresql/${major}/extension/postgis.control`))
    return `PostGIS for PostgreSQL ${major} is not installed (postgresql-${major}-postgis-3)`;
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL binary as the postgres user; throws with its output on failure. */
export function pgRun(bin: string, args: string[], timeoutMs = 60_000): string {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args], { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

export interface Cluster {
  dir: string;
  port: number;
  log: string;
  url(db: string): string;
  /** The server log from byte `from` on (log_statement = all: every statement it ran). */
  logSince(from: number): string;
  logSize(): number;
}

/** A root folder for the clusters and the function that stops them all and removes it. */
export function clusterRoot(): { root: string; clusters: Cluster[]; stop(): void } {
  const root = mkdtempSync('/tmp/onemap-clusters-');
  const [uid, gid] = ['-u', '-g'].map((f) => Number(spawnSync('id', [f, 'postgres'], { encoding: 'utf8' }).stdout.trim()));
  chownSync(root, uid, gid);
  const clusters: Cluster[] = [];
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const c of clusters)
      if (existsSync(join(c.dir, 'postmaster.pid')))
        spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), '-D', c.dir, '-m', 'immediate', '-w', '-t', '30', 'stop'], {
          timeout: 40_000,
        });
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', stop);
  return { root, clusters, stop };
}

export function cluster(root: string, dir: string, port: number): Cluster {
  const log = join(root, `${dir}.log`);
  return {
    dir: join(root, dir),
    port,
    log,
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}`,
    logSize: () => (existsSync(log) ? statSync(log).size : 0),
    logSince: (from) => (existsSync(log) ? readFileSync(log).subarray(from).toString('utf8') : ''),
  };
}

/** Settings for a small, fast, loopback-only server that logs every statement. */
export function configure(c: Cluster, root: string, extra: string[] = []): void {
  appendFileSync(
    join(c.dir, 'postgresql.conf'),
    [
      `port = ${c.port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${root}'`,
      'fsync = off',
      'max_connections = 40',
      'shared_buffers = 32MB',
      "log_statement = 'all'",
      ...extra,
      '',
    ].join('\n'),
  );
}

export function start(c: Cluster): void {
  pgRun('pg_ctl', ['-D', c.dir, '-l', c.log, '-w', '-t', '60', 'start'], 70_000);
}
