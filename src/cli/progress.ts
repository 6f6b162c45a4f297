/**
 * Progress for long work: a live, rewritten line on a terminal; plain milestone lines otherwise
 * (CI logs, pipes), so logs stay readable and greppable.
 */
export interface Progress {
  /** Start a step; `total` enables a percentage. */
  step(label: string, total?: number): void;
  /** Advance the current step to `done` units. Cheap to call often. */
  update(done: number): void;
  /** Finish the current step with a short result text. */
  done(result?: string): void;
  /** A line of output that is not progress. */
  log(line: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const interactive = Boolean(stream.isTTY) && !process.env.CI;
  let label = '';
  let total: number | undefined;
  let started = 0;
  let lastDraw = 0;
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  const clear = () => interactive && stream.write('\r\x1b[2K');
  return {
    step(next, nextTotal) {
      label = next;
      total = nextTotal;
      started = performance.now();
      lastDraw = 0;
      if (quiet) return;
      if (interactive) stream.write(`  ${label} ...`);
      else stream.write(`  ${label} ...\n`);
    },
    update(done) {
      if (quiet || !interactive) return;
      const now = performance.now();
      if (now - lastDraw < 80) return;
      lastDraw = now;
      const share = total ? ` ${Math.min(100, Math.floor((done / total) * 100))}% (${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')})` : ` ${done.toLocaleString('en-US')}`;
      clear();
      stream.write(`  ${label}${share} ${elapsed()}`);
    },
    done(result) {
      if (quiet) return;
      clear();
      stream.write(`  ${label}: ${result ?? 'done'} (${elapsed()})\n`);
    },
    log(line) {
      if (quiet) return;
      clear();
      stream.write(`${line}\n`);
    },
  };
}
