// Types for metrics.mjs (used by test/bench-smoke.test.ts).
export interface BenchRecord {
  expected: string | null;
  id: string | null;
  score: number | null;
  type?: 'answer' | 'clarify' | 'fallback';
  candidates: string[];
}
export interface ReliabilityBin {
  lo: number;
  hi: number;
  n: number;
  rightIfAnswered: number | null;
  nInScope: number;
  top1InScope: number | null;
  meanConfidence: number | null;
}
export interface Summary {
  queries: number;
  inScope: number;
  outOfScope: number;
  top1: number | null;
  top3: number | null;
  decisionShipped: number | null;
  oosRejectionShipped: number | null;
  decisionOracle: number | null;
  oracleThreshold: number | null;
  oosRejectionOracle: number | null;
}
export declare function isInScope(r: { expected: string | null }): boolean;
export declare function topK(records: BenchRecord[], k: number): number | null;
export declare function top1(records: BenchRecord[]): number | null;
export declare function top3(records: BenchRecord[]): number | null;
export declare function decisionCorrect(r: BenchRecord, answered: boolean): boolean;
export declare function decisionAccuracyShipped(records: BenchRecord[]): number | null;
export declare function oosRejectionShipped(records: BenchRecord[]): number | null;
export declare function oracleThreshold(
  records: BenchRecord[],
): { accuracy: number; threshold: number; oosRejection: number | null } | null;
export declare function percentile(values: number[], p: number): number | null;
export declare function latencySummaryUs(nanos: number[]): {
  p50: number | null;
  p99: number | null;
  mean: number | null;
  n: number;
};
export declare function reliabilityBins(records: BenchRecord[], bins?: number): ReliabilityBin[];
export declare function expectedCalibrationError(bins: ReliabilityBin[]): number | null;
export declare function summarize(records: BenchRecord[]): Summary;
