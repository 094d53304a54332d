/**
 * Progress on stderr as people expect it: a bar redrawn in place on a terminal, with the rate
 * and the time left; plain lines every 10 % (and at most every 5 s) when stderr is a file or a
 * pipe; nothing when quiet. Written here (about 40 lines) rather than taken from a package: the
 * well-kept ones (cli-progress, progress) pull in terminal handling we do not need.
 */
export interface Progress {
  /** Fraction done (0–1), and an optional note (the file being written). */
  update(fraction: number, note?: string): void;
  /** A message on its own line (the bar is redrawn below it). */
  say(message: string): void;
  done(message?: string): void;
}

export function progressBar(label: string, options: { quiet?: boolean; units?: number; unitName?: string; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = !!stream.isTTY;
  const started = Date.now();
  let lastLine = -1;
  let lastTime = 0;
  let drawn = false;
  const seconds = (s: number) => (s >= 90 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(s < 10 ? 1 : 0)} s`);
  const describe = (f: number) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = options.units && elapsed > 0 ? ` ${formatRate((f * options.units) / elapsed)} ${options.unitName ?? 'cells'}/s` : '';
    const eta = f > 0.02 && f < 1 ? `, ${seconds((elapsed * (1 - f)) / f)} left` : f >= 1 ? `, ${seconds(elapsed)}` : '';
    return `${(f * 100).toFixed(0).padStart(3)} %${rate}${eta}`;
  };
  return {
    update(fraction, note) {
      if (options.quiet) return;
      const f = Math.max(0, Math.min(1, fraction));
      if (tty) {
        const now = Date.now();
        if (now - lastTime < 100 && f < 1) return;
        lastTime = now;
        const width = 24;
        const full = Math.round(f * width);
        stream.write(`\r[${label}] ${'█'.repeat(full)}${'░'.repeat(width - full)} ${describe(f)}${note ? ` ${note}` : ''}\x1b[K`);
        drawn = true;
      } else {
        const step = Math.floor(f * 10);
        const now = Date.now();
        if (step === lastLine || (f < 1 && now - lastTime < 5000 && lastLine >= 0)) return;
        lastLine = step;
        lastTime = now;
        stream.write(`[${label}] ${describe(f)}${note ? ` ${note}` : ''}\n`);
      }
    },
    say(message) {
      if (options.quiet) return;
      stream.write(`${tty && drawn ? '\r\x1b[K' : ''}[${label}] ${message}\n`);
    },
    done(message) {
      if (options.quiet) return;
      if (tty && drawn) stream.write('\r\x1b[K');
      if (message) stream.write(`[${label}] ${message}\n`);
    },
  };
}

function formatRate(v: number): string {
  return v >= 1e6 ? `${(v / 1e6).toFixed(1)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(0)} k` : v.toFixed(0);
}
