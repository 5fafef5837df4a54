// One writer per embedded data folder (issue 22 item 4). PGlite keeps the whole database in one
// process's memory and writes it back to the folder; a second process on the same folder (a CLI
// import while the server runs) works on its own copy, reports success, and is overwritten — a
// silent loss. So the folder is locked while open: a second process is refused with the holder's
// process id, and a lock left by a process that no longer runs (a crash, kill -9) is taken over.
import { openSync, writeSync, closeSync, readFileSync, unlinkSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { Conflict } from '../errors.ts';

const LOCK_FILE = 'onemap.lock';

interface Holder {
  pid: number;
  host: string;
  started: string;
  command: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else — still a holder.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    return null; // unreadable or half-written: treated as stale
  }
}

/** Takes the folder's lock or throws Conflict naming who holds it; returns the release. */
export function lockDataDir(dir: string): () => void {
  const path = join(resolve(dir), LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        // Only our own lock: never remove one another process took over.
        if (readHolder(path)?.pid === me.pid) rmSync(path, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const h = readHolder(path);
      // Another host's lock (a shared folder) is never presumed dead.
      if (h && (h.host !== me.host || alive(h.pid))) {
        const who =
          h.pid === process.pid
            ? '本进程已打开该数据目录'
            : `进程 ${h.pid}（${h.started} 启动：${h.command || 'onemap'}）正在使用该数据目录`;
        throw new Conflict(
          `数据目录 ${resolve(dir)} 已被占用：${who}。嵌入式数据库同一时间只能由一个进程打开，否则其中一方的写入会丢失。` +
            `请先停止正在运行的 onemap 服务，或通过网页导入；若确认没有进程在运行，可删除 ${path} 后重试 ` +
            `(the embedded data folder is in use by process ${h.pid}; stop it first)`,
          { code: 'data_dir_in_use' },
        );
      }
      unlinkSync(path); // stale: its process is gone
    }
  }
  throw new Conflict(`无法锁定数据目录 ${resolve(dir)} (could not lock the data folder)`, { code: 'data_dir_in_use' });
}
