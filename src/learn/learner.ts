/**
 * The learning queue: questions the bot could not answer well, redacted, grouped by the
 * matcher's own similarity so that thirty ways of asking one new question are one item
 * with a count, with an `emerging-issue` event when a group spikes. Browser-safe; where the
 * items live is a `KefuLearningStore` (in memory by default; a JSON Lines file in Node).
 *
 * Approving a group writes it into the KB files (src/node/learn-review.ts). Still to come
 * (see the learning issue): updating a running index without a rebuild.
 */
import EventEmitter from 'eventemitter3';
import { KefuError } from '../errors.js';
import type { KefuMatcher } from '../match/matcher.js';
import { redact } from './redact.js';

export type KefuLearnReason = 'fallback' | 'clarify' | 'down-vote' | 'handoff' | 'agent-reply';

export interface KefuLearningItem {
  id: string;
  /** The group's most frequent wording (redacted). */
  text: string;
  /** Distinct wordings and how often each came (redacted; at most 20 kept). */
  variants: { text: string; count: number }[];
  count: number;
  firstSeen: number;
  lastSeen: number;
  channels: Record<string, number>;
  reasons: Partial<Record<KefuLearnReason, number>>;
  /** The FAQs the matcher thought closest when the group was created, with their confidence. */
  nearest: { id: string; confidence: number }[];
  status: 'open' | 'ignored' | 'approved';
  /** Where an approved group went: more questions for an existing FAQ, or a new FAQ. */
  approvedAs?: { faqId: string; kind: 'similar' | 'new' };
  /** What human agents answered to these questions (candidate answers for a new FAQ). */
  agentReplies: string[];
  /** Arrival times within the emerging-issue window (bounded). */
  recent: number[];
  /** When an emerging-issue event last fired for this group. */
  emergingAt?: number;
}

/** Where learning items live. `put` replaces the item with the same id. */
export interface KefuLearningStore {
  all(): Promise<KefuLearningItem[]>;
  put(item: KefuLearningItem): Promise<void>;
}

export class MemoryLearningStore implements KefuLearningStore {
  private readonly items = new Map<string, KefuLearningItem>();
  async all(): Promise<KefuLearningItem[]> {
    return [...this.items.values()].map((i) => structuredClone(i));
  }
  async put(item: KefuLearningItem): Promise<void> {
    this.items.set(item.id, structuredClone(item));
  }
}

export interface KefuLearnerOptions {
  /** Default: in memory (nothing is written to disk unless you pass a file store). */
  store?: KefuLearningStore;
  /** Questions at least this similar (0..1, TF-IDF cosine over words, characters and pinyin) join a group. Default 0.4. */
  similarity?: number;
  /** Fire `emerging-issue` when a group gets `count` questions within `windowMs`. Default 10 in one hour. */
  emerging?: { count: number; windowMs: number };
  now?: () => number;
}

export interface KefuCapture {
  text: string;
  reason: KefuLearnReason;
  channel?: string;
  /** The matcher's candidates for it, if the caller has them (else the learner matches). */
  nearest?: { id: string; confidence: number }[];
  agentReply?: string;
}

export interface KefuLearnerEvents {
  captured: (item: KefuLearningItem) => void;
  'emerging-issue': (event: { item: KefuLearningItem; countInWindow: number; windowMs: number }) => void;
}

export class KefuLearner extends EventEmitter<KefuLearnerEvents> {
  readonly store: KefuLearningStore;
  private readonly matcher: KefuMatcher;
  private readonly threshold: number;
  private readonly emerging: { count: number; windowMs: number };
  private readonly now: () => number;
  private vectors = new Map<string, Map<string, number>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(matcher: KefuMatcher, options: KefuLearnerOptions = {}) {
    super();
    this.matcher = matcher;
    this.store = options.store ?? new MemoryLearningStore();
    this.threshold = options.similarity ?? 0.4;
    this.emerging = options.emerging ?? { count: 10, windowMs: 3_600_000 };
    this.now = options.now ?? Date.now;
  }

  /**
   * Record a question the bot could not answer well. Personal data is redacted first; an
   * empty or all-personal-data question, or one like a group already ignored, is dropped.
   * @example
   * await learner.capture({ text: '支持数字人民币付款吗', reason: 'fallback', channel: 'web' });
   */
  capture(c: KefuCapture): Promise<KefuLearningItem | undefined> {
    // One capture at a time: grouping reads then writes the store.
    const run = this.queue.then(() => this.captureNow(c));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async captureNow(c: KefuCapture): Promise<KefuLearningItem | undefined> {
    const text = redact(c.text.trim()).text;
    if (!text.replace(/【[^】]*】|\s|\p{P}/gu, '')) return undefined;
    const now = this.now();
    const vector = this.matcher.textVector(text);
    let best: KefuLearningItem | undefined;
    let bestSim = this.threshold;
    for (const item of await this.store.all()) {
      const sim = Math.max(...item.variants.slice(0, 5).map((v) => this.cosine(vector, v.text)));
      if (sim >= bestSim) [best, bestSim] = [item, sim];
    }
    if (best?.status === 'ignored') return undefined;
    const item = best ?? this.newItem(text, now, c);
    if (best) {
      item.count++;
      item.lastSeen = now;
      const v = item.variants.find((x) => x.text === text);
      if (v) v.count++;
      else if (item.variants.length < 20) item.variants.push({ text, count: 1 });
      item.variants.sort((a, b) => b.count - a.count);
      item.text = item.variants[0].text;
    }
    if (best) {
      if (c.channel) item.channels[c.channel] = (item.channels[c.channel] ?? 0) + 1;
      item.reasons[c.reason] = (item.reasons[c.reason] ?? 0) + 1;
    }
    if (c.agentReply && !item.agentReplies.includes(c.agentReply)) item.agentReplies.push(redact(c.agentReply).text);
    item.recent = [...item.recent.filter((t) => now - t <= this.emerging.windowMs), now].slice(-Math.max(100, this.emerging.count));
    const spiking = item.recent.length >= this.emerging.count && (item.emergingAt === undefined || now - item.emergingAt > this.emerging.windowMs);
    if (spiking) item.emergingAt = now;
    await this.store.put(item);
    this.emit('captured', item);
    if (spiking) this.emit('emerging-issue', { item, countInWindow: item.recent.length, windowMs: this.emerging.windowMs });
    return item;
  }

  /** Open items (or `status: 'ignored'`), most asked first. */
  async list(status: KefuLearningItem['status'] = 'open'): Promise<KefuLearningItem[]> {
    return (await this.store.all()).filter((i) => i.status === status).sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen);
  }

  /** Ignore a group: it leaves the list and questions like it are no longer captured. */
  async ignore(id: string): Promise<void> {
    const item = await this.get(id);
    item.status = 'ignored';
    await this.store.put(item);
  }

  /** Mark a group approved (after its questions were written into the KB). */
  async markApproved(id: string, faqId: string, kind: 'similar' | 'new'): Promise<KefuLearningItem> {
    const item = await this.get(id);
    item.status = 'approved';
    item.approvedAs = { faqId, kind };
    await this.store.put(item);
    return item;
  }

  async get(id: string): Promise<KefuLearningItem> {
    const item = (await this.store.all()).find((i) => i.id === id);
    if (!item) throw new KefuError('unknown-item', `kefu: no learning item "${id}"`);
    return item;
  }

  private newItem(text: string, now: number, c: KefuCapture): KefuLearningItem {
    const nearest = c.nearest ?? this.matcher.match(text).candidates.map(({ id, confidence }) => ({ id, confidence }));
    return {
      id: `q-${now.toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
      text,
      variants: [{ text, count: 1 }],
      count: 1,
      firstSeen: now,
      lastSeen: now,
      channels: c.channel ? { [c.channel]: 1 } : {},
      reasons: { [c.reason]: 1 },
      nearest: nearest.slice(0, 3),
      status: 'open',
      agentReplies: [],
      recent: [],
    };
  }

  private cosine(a: Map<string, number>, text: string): number {
    let v = this.vectors.get(text);
    if (!v) {
      v = this.matcher.textVector(text);
      if (this.vectors.size > 5000) this.vectors.clear();
      this.vectors.set(text, v);
    }
    let s = 0;
    for (const [k, w] of a) s += w * (v.get(k) ?? 0);
    return s;
  }
}
