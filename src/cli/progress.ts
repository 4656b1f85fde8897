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
