/**
 * Long computations written once as generators that `yield` between small steps, run either
 * at once (`runSync`, what `KefuMatcher.build` does) or in time slices that give the event
 * loop back between them (`runSliced`, what a background rebuild does, so a bot keeps
 * answering while a 10,000-FAQ index is rebuilt). Browser-safe.
 */

/**
 * A computation that yields between steps and returns T. A step may yield a promise (the
 * embedding of a batch of texts): the async runner awaits it before going on, the sync one
 * refuses it.
 */
export type Steps<T> = Generator<void | Promise<unknown>, T, void>;

/** Run every step now. */
export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (r.value) throw new Error('kefu: this build embeds texts, which is asynchronous: use createMatcher (or KefuMatcher.buildAsync), not KefuMatcher.build');
  }
}

/** Run the steps, giving the event loop back whenever a slice of `sliceMs` has been used. */
export async function runSliced<T>(steps: Steps<T>, sliceMs = 10): Promise<T> {
  let since = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (r.value) {
      await r.value;
      since = performance.now();
    } else if (performance.now() - since >= sliceMs) {
      await nextTurn();
      since = performance.now();
    }
  }
}

/** After pending I/O and timers: setImmediate in Node, a 0 ms timeout elsewhere. */
function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}
