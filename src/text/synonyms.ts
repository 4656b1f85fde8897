import { normalize } from './normalize.js';

/**
 * Synonym groups from the KB: every term maps to its group's first (canonical) term.
 * Terms are stored normalized, so 退貨 and 退货 are the same term.
 */
export class SynonymTable {
  private readonly canonical = new Map<string, string>();
  private readonly groups = new Map<string, string[]>();

  constructor(groups: readonly (readonly string[])[] = []) {
    for (const group of groups) {
      const terms = group.map((t) => normalize(t).replace(/ /g, '')).filter(Boolean);
      if (terms.length < 2) continue;
      const canon = this.canonical.get(terms[0]) ?? terms[0];
      const members = this.groups.get(canon) ?? [canon];
      for (const t of terms) {
        if (!this.canonical.has(t)) this.canonical.set(t, canon);
        if (!members.includes(t)) members.push(t);
      }
      this.groups.set(canon, members);
    }
  }

  get size(): number {
    return this.groups.size;
  }

  /** The canonical term for a normalized word, or the word itself. */
  canonicalize(word: string): string {
    return this.canonical.get(word) ?? word;
  }

  /** All terms of the group a normalized word belongs to, canonical first. */
  groupOf(word: string): readonly string[] | undefined {
    const canon = this.canonical.get(word);
    return canon === undefined ? undefined : this.groups.get(canon);
  }

  /** Every term in any group (for the segmenter's user words). */
  terms(): string[] {
    return [...this.canonical.keys()];
  }
}
