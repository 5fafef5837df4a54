// The server under test for bench:soak: the real `onemap start` (bin/onemap.js) as a child
// process on 127.0.0.1, so a SIGKILL is a real crash — no graceful close, no flush, the embedded
// data folder's lock left behind for the next start to take over (src/db/lock.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 180_000;

/** A free loopback port: bound by the system, then released for the server to take. */
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SoakServer {
  readonly base: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly log: WriteStream;
  /** Resolves while the server answers; replaced by a pending promise while it is down. */
  private upGate: Promise<void>;
  private openGate: () => void = () => {};
  /** Seconds from spawn to the first healthy answer, one per start. */
  readonly startSeconds: number[] = [];

  constructor(
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    logPath: string,
  ) {
    this.base = `http://127.0.0.1:${port}`;
    this.log = createWriteStream(logPath, { flags: 'a' });
    this.upGate = new Promise((r) => (this.openGate = r));
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Waits until the server is up (immediately when it is). */
  whenUp(): Promise<void> {
    return this.upGate;
  }

  async start(): Promise<void> {
    const t0 = performance.now();
    this.log.write(`\n--- start ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, ['bin/onemap.js', 'start', '--port', String(this.port)], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    const state = { exitedEarly: null as string | null };
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        state.exitedEarly = `exit code ${code}, signal ${signal}`;
        if (this.child === child) this.child = null;
        resolve();
      }),
    );
    while (performance.now() - t0 < START_TIMEOUT_MS) {
      if (state.exitedEarly) throw new Error(`the server stopped while starting (${state.exitedEarly}); see ${this.log.path}`);
      try {
        const r = await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(5000) });
        await r.arrayBuffer();
        if (r.ok) {
          this.startSeconds.push((performance.now() - t0) / 1000);
          this.openGate();
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`the server did not answer /health within ${START_TIMEOUT_MS / 1000} s; see ${this.log.path}`);
  }

  /** kill -9: the process gets no chance to close anything. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.upGate = new Promise((r) => (this.openGate = r));
    child.kill('SIGKILL');
    await this.exited;
  }

  /** Ends the log once the server is gone. */
  async close(): Promise<void> {
    await this.kill();
    await new Promise<void>((r) => this.log.end(r));
  }
}
