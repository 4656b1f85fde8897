/**
 * Consolidation of hot updates: after `addQuestions` / `addFaq`, rebuild the engine from the
 * updated KB in the background (in slices that leave the event loop free) and swap it in
 * whole; updates made during the rebuild are applied again on top.
 */
import type { KefuFaq, KnowledgeBase } from '../kb/schema.js';
import { buildSteps } from './build/build.js';
import type { Engine } from './engine.js';
import { appendFaq, appendQuestions } from './index/append.js';
import { loadPosition } from '../kb/order.js';
import { runSliced } from './steps.js';

/** A hot update since the build in force: the questions added to an FAQ, or an FAQ added. */
export type HotUpdate = { faqId: string; questions: string[] } | { faq: KefuFaq };

/** Where the engine lives: the consolidator reads it and swaps it. */
export interface EngineHolder {
  engine: Engine;
}

export class Consolidator {
  /** Hot updates since the build in force, in order. */
  log: HotUpdate[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  /** When the first update still waiting for consolidation came (ms since epoch). */
  private firstAt = 0;
  /** The rebuild running or queued last, if any. */
  running?: Promise<void>;

  constructor(
    private readonly holder: EngineHolder,
    private readonly delayMs: number | false,
  ) {}

  /** Rebuilds run one after another; with `onlyIfPending`, one finding nothing to do does nothing. */
  enqueue(kb: KnowledgeBase | undefined, onlyIfPending: boolean): Promise<void> {
    const run = (this.running ?? Promise.resolve()).catch(() => undefined).then(() => (onlyIfPending && this.log.length === 0 ? undefined : this.rebuildNow(kb)));
    this.running = run;
    const done = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(done, done);
    return run;
  }

  private async rebuildNow(kb: KnowledgeBase | undefined): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const seen = this.log.length;
    const current = this.holder.engine;
    const source = kb ? { ...kb, faqs: kb.faqs.map((f) => ({ ...f, similar: [...f.similar] })) } : this.kbForRebuild(current.kb);
    const next = await runSliced(buildSteps(source, current.settings.buildOptions));
    const later = this.log.slice(seen);
    this.holder.engine = next;
    this.log = [];
    for (const u of later) {
      try {
        if ('faq' in u) {
          if (!next.faqIndex.has(u.faq.id)) this.note({ faq: appendFaq(next, u.faq) });
        } else {
          const fresh = appendQuestions(next, u.faqId, u.questions);
          if (fresh.length > 0) this.note({ faqId: u.faqId, questions: fresh });
        }
      } catch {
        // The KB given no longer has that FAQ: the given KB wins.
      }
    }
  }

  /**
   * The KB as loading the updated files gives it: FAQs added since the last build move to
   * where their file puts them (see kb-order.ts); every FAQ is copied, so hot updates made
   * during the rebuild do not reach into it.
   */
  private kbForRebuild(kb: KnowledgeBase): KnowledgeBase {
    const faqs = kb.faqs.map((f) => ({ ...f, similar: [...f.similar] }));
    for (const u of this.log) {
      if (!('faq' in u)) continue;
      const [faq] = faqs.splice(
        faqs.findIndex((f) => f.id === u.faq.id),
        1,
      );
      faqs.splice(loadPosition(faqs, faq), 0, faq);
    }
    return { ...kb, faqs };
  }

  /** Record a hot update and (re)start the consolidation timer. */
  note(update: HotUpdate): void {
    this.log.push(update);
    if (this.delayMs === false) return;
    const now = Date.now();
    if (this.timer === undefined) this.firstAt = now;
    else clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.delayMs, this.firstAt + 4 * this.delayMs - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.enqueue(undefined, true).catch(() => undefined); // the hot state stays in force; consolidated() reports the error
    }, wait);
    (this.timer as { unref?: () => void }).unref?.();
  }
}
