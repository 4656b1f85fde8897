/**
 * Where an FAQ added to a running matcher belongs in the KB's order. The order matters:
 * FAQ order decides entry numbers, hence the classifier's training order, the calibration
 * sample and ties, so a rebuild must see the FAQs in the order loading the KB files gives.
 * The loader reads a folder's files in sorted path order (name by name, folders in place)
 * and each file's FAQs in file order; the writer (src/node/kb-writer.ts) appends a new FAQ
 * at the end of its file. Browser-safe: paths are compared as strings.
 */
import type { KefuFaq } from './schema.js';

/** Slashes only, no `./` segments or doubled slashes. */
function cleanPath(file: string): string {
  return file.replace(/\\/g, '/').replace(/\/(\.\/)+/g, '/').replace(/\/{2,}/g, '/').replace(/^(\.\/)+/, '');
}

/** The same file, also when one path is relative and the other absolute (`kb/a.yaml`, `/srv/bot/kb/a.yaml`). */
function sameFile(a: string, b: string): boolean {
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

/** Sorted-walk order of two file paths: segment by segment, by code unit (as `readdir` + sort). */
function compareWalk(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * The index at which loading the KB files would put `faq` among `faqs` (FAQs in load order,
 * `faq` not among them): after the last FAQ of its file; for a file with no FAQs yet, where
 * the file comes in the sorted walk; at the end when it has no file or no FAQ has one.
 */
export function loadPosition(faqs: readonly KefuFaq[], faq: KefuFaq): number {
  const mine = fileOf(faq);
  if (mine === undefined) return faqs.length;
  let last = -1;
  faqs.forEach((f, i) => {
    const theirs = fileOf(f);
    if (theirs !== undefined && sameFile(theirs, mine)) last = i;
  });
  if (last >= 0) return last + 1;
  const after = faqs.findIndex((f) => {
    const theirs = fileOf(f);
    return theirs !== undefined && compareWalk(theirs, mine) > 0;
  });
  return after >= 0 ? after : faqs.length;
}

/** The FAQ's file, cleaned; none for FAQs given in memory (`<object>`). */
function fileOf(faq: KefuFaq): string | undefined {
  const file = faq.source?.file;
  return file === undefined || file.startsWith('<') ? undefined : cleanPath(file);
}
