// Types for data.mjs (used by test/bench-smoke.test.ts).
export interface KbEntry {
  id: string;
  question: string;
  similar: string[];
}
export interface Query {
  text: string;
  expected: string | null;
}
export interface EvalSet {
  name: string;
  lang: 'zh' | 'en';
  kb: KbEntry[];
  queries: Query[];
  size?: number;
}
export declare const repoRoot: string;
export declare const ALL_SETS: string[];
export declare const SCALE_SET: string;
export declare const SCALE_SIZES: (number | null)[];
export declare function evalDir(): string;
export declare function setLanguage(name: string): 'zh' | 'en';
export declare function setExists(name: string, dir?: string): boolean;
export declare function loadSet(name: string, dir?: string): EvalSet;
export declare function subsetSet(set: EvalSet, n: number | null): EvalSet & { size: number };
export declare function orderQueries(queries: Query[], opts?: { seed?: number; limit?: number | null }): Query[];
export declare function entrySentences(entry: KbEntry): string[];
