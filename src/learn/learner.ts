/**
 * The learning queue: questions the bot could not answer well, redacted, grouped by the
 * matcher's own similarity so that thirty ways of asking one new question are one item
 * with a count, with an `emerging-issue` event when a group spikes. Browser-safe; where the
 * items live is a `KefuLearningStore` (in memory by default; a JSON Lines file in Node).
 *
 * Approving a group writes it into the KB files and updates the running index
 * (src/cli/tools/learn-review.ts).
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

/**
 * One capture, as the store applies it: the redacted wording and where it came from, plus
 * what the group needs if it does not exist yet. Applying it is one atomic step in the
 * store (`applyCapture` in memory; a Lua script in Redis), so concurrent processes never
 * lose a question.
 */
export interface KefuCaptureRecord {
  text: string;
  at: number;
  reason: KefuLearnReason;
  channel?: string;
  agentReply?: string;
  /** For a new group: the FAQs nearest to it. */
  nearest: { id: string; confidence: number }[];
  /** The emerging-issue rule in force. */
  emerging: { count: number; windowMs: number };
}

/**
 * Where learning items live. Implementations apply `record` and `setStatus` atomically
 * (several bot processes may share one store).
 */
export interface KefuLearningStore {
  all(): Promise<KefuLearningItem[]>;
  /** Add one capture to group `id`, creating the group when it does not exist. `emerging`: this capture made the group spike. */
  record(id: string, capture: KefuCaptureRecord): Promise<{ item: KefuLearningItem; emerging: boolean }>;
  /** Mark a group ignored or approved. Returns the changed item; throws `unknown-item` when there is none. */
  setStatus(id: string, status: KefuLearningItem['status'], approvedAs?: KefuLearningItem['approvedAs']): Promise<KefuLearningItem>;
}

const MAX_VARIANTS = 20;

/**
 * The one definition of what a capture does to a group (the Redis store runs the same
 * steps in Lua; a test keeps the two equal). Mutates and returns `item` (or a new one).
 */
export function applyCapture(item: KefuLearningItem | undefined, id: string, c: KefuCaptureRecord): { item: KefuLearningItem; emerging: boolean } {
  if (!item) {
    item = { id, text: c.text, variants: [], count: 0, firstSeen: c.at, lastSeen: c.at, channels: {}, reasons: {}, nearest: c.nearest.slice(0, 3), status: 'open', agentReplies: [], recent: [] };
  }
  item.count++;
  item.lastSeen = Math.max(item.lastSeen, c.at);
  const v = item.variants.find((x) => x.text === c.text);
  if (v) v.count++;
  else if (item.variants.length < MAX_VARIANTS) item.variants.push({ text: c.text, count: 1 });
  // Stable: equal counts keep their first-seen order.
  item.variants.sort((a, b) => b.count - a.count);
  item.text = item.variants[0].text;
  if (c.channel) item.channels[c.channel] = (item.channels[c.channel] ?? 0) + 1;
  item.reasons[c.reason] = (item.reasons[c.reason] ?? 0) + 1;
  if (c.agentReply && !item.agentReplies.includes(c.agentReply)) item.agentReplies.push(c.agentReply);
  item.recent = [...item.recent.filter((t) => c.at - t <= c.emerging.windowMs), c.at].slice(-Math.max(100, c.emerging.count));
  const emerging = item.recent.length >= c.emerging.count && (item.emergingAt === undefined || c.at - item.emergingAt > c.emerging.windowMs);
  if (emerging) item.emergingAt = c.at;
  return { item, emerging };
}

export function applyStatus(item: KefuLearningItem | undefined, id: string, status: KefuLearningItem['status'], approvedAs?: KefuLearningItem['approvedAs']): KefuLearningItem {
  if (!item) throw new KefuError('unknown-item', `kefu: no learning item "${id}"`);
  item.status = status;
  if (approvedAs) item.approvedAs = approvedAs;
  return item;
}

/** A group's id from its first wording: two processes that meet the same new question at once fill one group. */
export function groupId(text: string): string {
  // FNV-1a, 52 bits (exact in a double).
  let h = 0xcbf29ce484222325n & 0xfffffffffffffn;
  for (const ch of text) h = ((h ^ BigInt(ch.codePointAt(0)!)) * 0x100000001b3n) & 0xfffffffffffffn;
  return `q-${h.toString(36)}`;
}

export class MemoryLearningStore implements KefuLearningStore {
  private readonly items = new Map<string, KefuLearningItem>();
  async all(): Promise<KefuLearningItem[]> {
    return [...this.items.values()].map((i) => structuredClone(i));
  }
  async record(id: string, c: KefuCaptureRecord): Promise<{ item: KefuLearningItem; emerging: boolean }> {
    const r = applyCapture(this.items.get(id), id, c);
    this.items.set(id, r.item);
    return { item: structuredClone(r.item), emerging: r.emerging };
  }
  async setStatus(id: string, status: KefuLearningItem['status'], approvedAs?: KefuLearningItem['approvedAs']): Promise<KefuLearningItem> {
    return structuredClone(applyStatus(this.items.get(id), id, status, approvedAs));
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
  private started = 0;
  private settled = 0;

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
    this.started++;
    const run = this.queue.then(() => this.captureNow(c)).finally(() => this.settled++);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Captures started and not yet stored (a bot waits for its own once there are many). */
  get pending(): number {
    return this.started - this.settled;
  }

  /**
   * Resolves when every capture started so far is stored. A bot does not hold its reply
   * for the capture; `list`, `get`, `ignore` and `markApproved` wait for it, so a review in
   * this process sees every question asked before it. Await it yourself before reading the
   * store directly or before exiting.
   * @example
   * await bot.ask('你们卖二手手机吗', { sessionId: 'u-1' });
   * await learner.idle(); // the question is in the store now
   */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async captureNow(c: KefuCapture): Promise<KefuLearningItem | undefined> {
    const text = redact(c.text.trim()).text;
    if (!text.replace(/【[^】]*】|\s|\p{P}/gu, '')) return undefined;
    const analysis = this.matcher.analyze(text); // once, for grouping and for the nearest FAQs
    const vector = this.matcher.textVector(analysis);
    let best: KefuLearningItem | undefined;
    let bestSim = this.threshold;
    for (const item of await this.store.all()) {
      const variants = item.variants;
      for (let i = 0; i < variants.length && i < 5; i++) {
        const sim = this.cosine(vector, variants[i]!.text);
        if (sim >= bestSim) [best, bestSim] = [item, sim];
      }
    }
    if (best?.status === 'ignored') return undefined;
    const nearest = best ? [] : (c.nearest ?? this.matcher.match(text, analysis).candidates).map(({ id, confidence }) => ({ id, confidence: Math.round(confidence * 1e4) / 1e4 }));
    const { item, emerging } = await this.store.record(best?.id ?? groupId(text), {
      text,
      at: this.now(),
      reason: c.reason,
      channel: c.channel,
      agentReply: c.agentReply ? redact(c.agentReply).text : undefined,
      nearest,
      emerging: this.emerging,
    });
    this.emit('captured', item);
    if (emerging) this.emit('emerging-issue', { item, countInWindow: item.recent.length, windowMs: this.emerging.windowMs });
    return item;
  }

  /** Open items (or `status: 'ignored'`), most asked first. */
  async list(status: KefuLearningItem['status'] = 'open'): Promise<KefuLearningItem[]> {
    await this.idle();
    return (await this.store.all()).filter((i) => i.status === status).sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen);
  }

  /** Ignore a group: it leaves the list and questions like it are no longer captured. */
  async ignore(id: string): Promise<void> {
    await this.idle();
    await this.store.setStatus(id, 'ignored');
  }

  /** Mark a group approved (after its questions were written into the KB). */
  async markApproved(id: string, faqId: string, kind: 'similar' | 'new'): Promise<KefuLearningItem> {
    await this.idle();
    return this.store.setStatus(id, 'approved', { faqId, kind });
  }

  async get(id: string): Promise<KefuLearningItem> {
    await this.idle();
    const item = (await this.store.all()).find((i) => i.id === id);
    if (!item) throw new KefuError('unknown-item', `kefu: no learning item "${id}"`);
    return item;
  }

  private cosine(a: Map<string, number>, text: string): number {
    let v = this.vectors.get(text);
    if (!v) {
      v = this.matcher.textVector(text);
      if (this.vectors.size > 5000) this.vectors.clear();
      this.vectors.set(text, v);
    }
    // A sparse dot product: walk the shorter bag, look up in the longer.
    const [short, long] = a.size <= v.size ? [a, v] : [v, a];
    let s = 0;
    for (const [k, w] of short) s += w * (long.get(k) ?? 0);
    return s;
  }
}
