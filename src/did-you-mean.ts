/**
 * "Did you mean": the known name closest to a misspelt one, for KB fields, spreadsheet
 * columns and option keys alike.
 */
import { KefuError } from './errors.js';

/** The known name closest to a misspelt one (edit distance ≤ 2), for "did you mean". */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/**
 * Throw when `obj` has a key outside `known`, naming it, `where` it was given and the
 * closest known key, e.g. `kefu: createBot: unknown option "treshold" (did you mean "thresholds"?)`.
 * Keys whose value is undefined count as absent (spreading optional options is common).
 */
export function rejectUnknownKeys(obj: object, known: readonly string[], where: string): void {
  const unknown = Object.keys(obj).filter((k) => !known.includes(k) && (obj as Record<string, unknown>)[k] !== undefined);
  if (unknown.length === 0) return;
  const hints = unknown.map((k) => {
    const near = closest(k, known);
    return near ? `"${k}" (did you mean "${near}"?)` : `"${k}"`;
  });
  throw new KefuError('unknown-option', `kefu: ${where}: unknown option${unknown.length > 1 ? 's' : ''} ${hints.join(', ')}; known: ${known.join(', ')}`);
}
