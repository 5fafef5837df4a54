// A terminal progress bar for long work (imports, demo generation). Draws only on a TTY, at most
// ten times a second, on stderr so that --json output on stdout stays machine-readable.

export interface Progress {
  update(done: number, total: number | undefined, label: string): void;
  done(message?: string): void;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = !!stream.isTTY && !process.env.CI;
  let last = 0;
  let drawn = false;
  const started = Date.now();
  return {
    update(done, total, label) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const width = 30;
      const frac = total ? Math.min(1, done / total) : undefined;
      const bar =
        frac === undefined ? '' : `[${'█'.repeat(Math.round(frac * width)).padEnd(width, '░')}] ${(frac * 100).toFixed(0).padStart(3)}% `;
      const secs = ((now - started) / 1000).toFixed(0);
      stream.write(`\r${bar}${label} ${secs}s`.slice(0, (stream.columns ?? 100) - 1).padEnd(Math.min(99, (stream.columns ?? 100) - 1)));
      drawn = true;
    },
    done(message) {
      if (tty && drawn) stream.write('\r' + ' '.repeat(Math.min(99, (stream.columns ?? 100) - 1)) + '\r');
      if (message) stream.write(message + '\n');
    },
  };
}
