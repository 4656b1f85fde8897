/**
 * A one-line progress bar on stderr, only when stderr is a terminal and not in CI:
 * CI logs stay clean, and piped output is never polluted.
 */
export interface Progress {
  tick(n?: number): void;
  done(): void;
}

export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const enabled = Boolean(stream.isTTY) && !process.env.CI && total >= 50;
  let current = 0;
  let lastDraw = 0;
  const draw = () => {
    const width = 30;
    const filled = Math.round((current / total) * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${current}/${total}`);
  };
  return {
    tick(n = 1) {
      current += n;
      if (!enabled) return;
      const now = Date.now();
      if (now - lastDraw > 80 || current === total) {
        lastDraw = now;
        draw();
      }
    },
    done() {
      if (enabled) stream.write('\r\x1b[K');
    },
  };
}

/**
 * A progress bar for each long embedding run (a cold build), as `onEmbedProgress` reports it;
 * drawn under the same conditions as `progress` (stderr a terminal, not CI).
 */
export function embeddingProgress(stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  let bar: Progress | undefined;
  let shown = 0;
  return (done, total) => {
    if (done === 0) {
      bar = progress('kefu: embedding the KB questions', total, stream);
      shown = 0;
    }
    bar?.tick(done - shown);
    shown = done;
    if (done === total) bar?.done();
  };
}
