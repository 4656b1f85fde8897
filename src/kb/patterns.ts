/**
 * FAQ patterns: a small template syntax that matches regardless of filler words.
 *
 *   "(怎么|如何|怎样) 退货"    elements separated by spaces must appear in this order, gaps allowed
 *   "(怎么|如何) @退货 吗?"    `@term` = any word of term's synonym group; `?` = optional element
 *
 * Literals are normalized like questions (t2s, case, width) and expanded to their synonym
 * group, so a pattern written with 退货 also matches 退掉 when the KB declares them synonyms.
 */
import { normalize } from '../text/normalize.js';
import { standardChinese } from '../text/features.js';

export interface CompiledPattern {
  source: string;
  /** Each element: the strings that satisfy it, and whether it may be absent. */
  elements: { alternatives: string[]; optional: boolean }[];
}

export class PatternSyntaxError extends Error {}

/** Compile a pattern; throws PatternSyntaxError with a message saying what is wrong. */
export function compilePattern(source: string, synonymGroupOf: (term: string) => readonly string[] | undefined): CompiledPattern {
  const elements: CompiledPattern['elements'] = [];
  const tokens = tokenizePattern(source);
  if (tokens.length === 0) throw new PatternSyntaxError(`pattern "${source}" has no elements`);
  for (let token of tokens) {
    const optional = token.endsWith('?') && token.length > 1;
    if (optional) token = token.slice(0, -1);
    let alternatives: string[];
    if (token.startsWith('(')) {
      if (!token.endsWith(')')) throw new PatternSyntaxError(`pattern "${source}": "${token}" opens "(" without closing it`);
      alternatives = token.slice(1, -1).split('|');
      if (alternatives.some((a) => a.trim() === '')) throw new PatternSyntaxError(`pattern "${source}": "${token}" has an empty alternative`);
    } else if (token.startsWith('@')) {
      const group = synonymGroupOf(normalize(token.slice(1)));
      if (!group) throw new PatternSyntaxError(`pattern "${source}": "${token}" names no synonym group (declare it under \`synonyms\`)`);
      alternatives = [...group];
    } else {
      if (/[()|]/.test(token)) throw new PatternSyntaxError(`pattern "${source}": unbalanced "(" or "|" in "${token}"`);
      alternatives = [token];
    }
    const expanded = new Set<string>();
    for (const alt of alternatives) {
      const n = standardChinese(normalize(alt)).replace(/ /g, '');
      if (!n) throw new PatternSyntaxError(`pattern "${source}": "${alt}" is empty after normalization`);
      expanded.add(n);
      for (const syn of synonymGroupOf(n) ?? []) expanded.add(normalize(syn).replace(/ /g, ''));
    }
    elements.push({ alternatives: [...expanded], optional });
  }
  if (elements.every((e) => e.optional)) throw new PatternSyntaxError(`pattern "${source}" has only optional elements`);
  return { source, elements };
}

function tokenizePattern(source: string): string[] {
  const tokens: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of source.trim()) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new PatternSyntaxError(`pattern "${source}": ")" without "("`);
    if ((ch === ' ' || ch === '+') && depth === 0) {
      if (cur) tokens.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) throw new PatternSyntaxError(`pattern "${source}": "(" without ")"`);
  if (cur) tokens.push(cur);
  return tokens;
}

/**
 * Does the pattern match `compact` (normalized text with spaces removed)? Each element takes
 * the earliest-ending occurrence after the previous one, which is optimal for ordered matching.
 */
export function matchPattern(p: CompiledPattern, compact: string): boolean {
  let pos = 0;
  for (const el of p.elements) {
    let bestEnd = -1;
    for (const alt of el.alternatives) {
      const at = compact.indexOf(alt, pos);
      if (at >= 0 && (bestEnd < 0 || at + alt.length < bestEnd)) bestEnd = at + alt.length;
    }
    if (bestEnd >= 0) pos = bestEnd;
    else if (!el.optional) return false;
  }
  return true;
}
