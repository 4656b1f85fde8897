/**
 * Counters behind `bot.stats()`: one small record per reply and per feedback, kept in a
 * bounded ring so a long-running bot never grows, summarized over a time window on demand.
 */
import type { KefuHandoffReason } from './session.js';

export interface KefuStatsEvent {
  at: number;
  kind: 'answer' | 'clarify' | 'fallback' | 'handoff' | 'small-talk' | 'with-human' | 'feedback';
  faqId?: string | null;
  confidence?: number;
  reason?: KefuHandoffReason;
  vote?: 'up' | 'down';
}

export interface KefuStats {
  /** Customer messages the bot replied to in the window (not those relayed to a human). */
  questions: number;
  /** Share of questions answered from the KB or by small talk, without a handoff. */
  resolutionRate: number;
  fallbackRate: number;
  clarifyRate: number;
  handoffRate: number;
  handoffsByReason: Partial<Record<KefuHandoffReason, number>>;
  topFaqs: { id: string; count: number }[];
  /** Mean confidence of the matcher over answer, clarify and fallback replies. */
  averageConfidence: number;
  feedback: { up: number; down: number };
}

export class StatsRecorder {
  private readonly events: KefuStatsEvent[] = [];
  private next = 0;

  constructor(private readonly capacity = 50_000) {}

  record(e: KefuStatsEvent): void {
    if (this.events.length < this.capacity) this.events.push(e);
    else this.events[this.next] = e;
    this.next = (this.next + 1) % this.capacity;
  }

  summarize(since: number): KefuStats {
    const inWindow = this.events.filter((e) => e.at >= since);
    const replies = inWindow.filter((e) => e.kind !== 'feedback' && e.kind !== 'with-human');
    const count = (k: KefuStatsEvent['kind']) => replies.filter((e) => e.kind === k).length;
    const q = replies.length;
    const rate = (n: number) => (q === 0 ? 0 : n / q);
    const byReason: Partial<Record<KefuHandoffReason, number>> = {};
    const faqCounts = new Map<string, number>();
    let confSum = 0;
    let confN = 0;
    for (const e of replies) {
      if (e.kind === 'handoff' && e.reason) byReason[e.reason] = (byReason[e.reason] ?? 0) + 1;
      if ((e.kind === 'answer' || e.kind === 'handoff') && e.faqId) faqCounts.set(e.faqId, (faqCounts.get(e.faqId) ?? 0) + 1);
      if (e.confidence !== undefined && (e.kind === 'answer' || e.kind === 'clarify' || e.kind === 'fallback')) {
        confSum += e.confidence;
        confN++;
      }
    }
    const votes = inWindow.filter((e) => e.kind === 'feedback');
    return {
      questions: q,
      resolutionRate: rate(count('answer') + count('small-talk')),
      fallbackRate: rate(count('fallback')),
      clarifyRate: rate(count('clarify')),
      handoffRate: rate(count('handoff')),
      handoffsByReason: byReason,
      topFaqs: [...faqCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([id, n]) => ({ id, count: n })),
      averageConfidence: confN === 0 ? 0 : confSum / confN,
      feedback: { up: votes.filter((e) => e.vote === 'up').length, down: votes.filter((e) => e.vote === 'down').length },
    };
  }
}
