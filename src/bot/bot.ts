/**
 * The bot: a matcher plus the conversation layer (small talk, requests for a human,
 * negative emotion, FAQs flagged for handoff, answer variables). Browser-safe.
 */
import EventEmitter from 'eventemitter3';
import { KefuError } from '../errors.js';
import type { FaqPriority, KefuFaq } from '../kb/schema.js';
import type { KefuCandidate, KefuMatch, KefuMatcher } from '../match/matcher.js';
import { asksForHuman, DEFAULT_SMALL_TALK, detectSmallTalk, readEmotion, type SmallTalkKind } from './triggers.js';

export type HandoffReason = 'explicit-request' | 'negative-emotion' | 'faq-flagged';

export interface KefuBotOptions {
  /** Values for `{name}` variables in answers, e.g. `{ shopName: '小店' }`. */
  variables?: Record<string, string>;
  /** Replace or extend the built-in small-talk replies. `false` switches small talk off. */
  smallTalk?: Partial<Record<SmallTalkKind, string>> | false;
  /** Emotion intensity (0..1) at which the bot hands over. Default 0.5. */
  emotionThreshold?: number;
  /** Reply texts. */
  messages?: Partial<KefuBotMessages>;
}

export interface KefuBotMessages {
  fallback: string;
  clarify: string;
  handoff: string;
}

export const DEFAULT_MESSAGES: KefuBotMessages = {
  fallback: '抱歉，这个问题我暂时无法回答。您可以换个说法，或者说“转人工”联系人工客服。',
  clarify: '您是想问：',
  handoff: '正在为您转接人工客服，请稍候…',
};

export interface KefuAskOptions {
  sessionId?: string;
}

interface ReplyBase {
  /** What the customer wrote. */
  input: string;
  /** What the bot says. */
  text: string;
}

/** A reply. Each type carries exactly the fields it needs. */
export type KefuReply =
  | (ReplyBase & { type: 'answer'; id: string; confidence: number; candidates: KefuCandidate[] })
  | (ReplyBase & { type: 'clarify'; id: string; confidence: number; candidates: KefuCandidate[] })
  | (ReplyBase & { type: 'fallback'; id: string | null; confidence: number; candidates: KefuCandidate[] })
  | (ReplyBase & { type: 'small-talk'; kind: SmallTalkKind })
  | (ReplyBase & {
      type: 'handoff';
      reason: HandoffReason;
      priority: FaqPriority;
      /** The FAQ answered before handing over (reason 'faq-flagged'). */
      id: string | null;
      emotion: { intensity: number; cues: string[] };
    });

export interface KefuHandoffEvent {
  sessionId: string;
  reason: HandoffReason;
  priority: FaqPriority;
  emotion: { intensity: number; cues: string[] };
  text: string;
  suggestions: KefuCandidate[];
}

export interface KefuBotEvents {
  handoff: (event: KefuHandoffEvent) => void;
  reply: (reply: KefuReply, sessionId: string) => void;
}

export class KefuBot extends EventEmitter<KefuBotEvents> {
  readonly matcher: KefuMatcher;
  private readonly options: Required<Omit<KefuBotOptions, 'messages' | 'smallTalk'>> & { smallTalk: Partial<Record<SmallTalkKind, string>> | false; messages: KefuBotMessages };

  constructor(matcher: KefuMatcher, options: KefuBotOptions = {}) {
    super();
    this.matcher = matcher;
    this.options = {
      variables: { ...matcher.kb.variables, ...options.variables },
      smallTalk: options.smallTalk === false ? false : { ...DEFAULT_SMALL_TALK, ...options.smallTalk },
      emotionThreshold: options.emotionThreshold ?? 0.5,
      messages: { ...DEFAULT_MESSAGES, ...options.messages },
    };
    this.checkVariables();
  }

  /**
   * Answer one customer message.
   * @example
   * const reply = await bot.ask('这件衣服可以退货吗', { sessionId: 'u-42' });
   * if (reply.type === 'answer') show(reply.text);
   */
  async ask(text: string, options: KefuAskOptions = {}): Promise<KefuReply> {
    const sessionId = options.sessionId ?? 'default';
    const reply = this.reply(text, sessionId);
    this.emit('reply', reply, sessionId);
    return reply;
  }

  private reply(input: string, sessionId: string): KefuReply {
    const emotion = readEmotion(input);
    if (asksForHuman(input)) return this.handoff(input, sessionId, 'explicit-request', 'normal', null, emotion, this.matcher.match(input));
    if (emotion.intensity >= this.options.emotionThreshold) {
      return this.handoff(input, sessionId, 'negative-emotion', emotion.intensity >= 0.75 ? 'high' : 'normal', null, emotion, this.matcher.match(input));
    }
    const kind = this.options.smallTalk ? detectSmallTalk(input) : undefined;
    if (kind && this.options.smallTalk) return { type: 'small-talk', kind, input, text: this.fill(this.options.smallTalk[kind] ?? DEFAULT_SMALL_TALK[kind]) };

    const m = this.matcher.match(input);
    if (m.type === 'answer') {
      const faq = this.matcher.faq(m.id)!;
      if (faq.handoff === true) {
        return this.handoff(input, sessionId, 'faq-flagged', faq.priority ?? 'normal', faq, emotion, m);
      }
      const offer = faq.handoff === 'offer' ? '\n如需进一步帮助，可以说“转人工”。' : '';
      return { type: 'answer', input, text: this.answerText(faq) + offer, id: m.id, confidence: m.confidence, candidates: m.candidates };
    }
    if (m.type === 'clarify') {
      // Offer the first candidate and those at least half as likely as the clarify threshold.
      const offered = m.candidates.filter((c, i) => i === 0 || c.confidence >= this.matcher.thresholds.clarify / 2);
      const list = offered.map((c, i) => `${i + 1}. ${c.question}`).join('\n');
      return { type: 'clarify', input, text: `${this.options.messages.clarify}\n${list}`, id: m.id, confidence: m.confidence, candidates: offered };
    }
    return { type: 'fallback', input, text: this.fill(this.options.messages.fallback), id: m.id, confidence: m.confidence, candidates: m.candidates };
  }

  private handoff(input: string, sessionId: string, reason: HandoffReason, priority: FaqPriority, faq: KefuFaq | null, emotion: KefuHandoffEvent['emotion'], m: KefuMatch): KefuReply {
    const text = faq ? `${this.answerText(faq)}\n${this.options.messages.handoff}` : this.options.messages.handoff;
    this.emit('handoff', { sessionId, reason, priority, emotion, text: input, suggestions: m.candidates });
    return { type: 'handoff', input, text, reason, priority, id: faq?.id ?? null, emotion };
  }

  private answerText(faq: KefuFaq): string {
    const a = Array.isArray(faq.answer) ? faq.answer[Math.floor(Math.random() * faq.answer.length)] : faq.answer;
    return this.fill(a);
  }

  private fill(text: string): string {
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => this.options.variables[name] ?? whole);
  }

  /** Every `{variable}` used in an answer must be declared in `variables`. */
  private checkVariables(): void {
    const missing = new Map<string, string>();
    const texts = this.matcher.kb.faqs.flatMap((f) => (Array.isArray(f.answer) ? f.answer : [f.answer]).map((a) => [f.id, a] as const));
    for (const [id, a] of [...texts, ...Object.values(this.options.smallTalk || {}).map((t) => ['small talk', t] as const)]) {
      for (const [, name] of a.matchAll(/\{(\w+)\}/g)) if (!(name in this.options.variables) && !missing.has(name)) missing.set(name, id);
    }
    if (missing.size > 0) {
      const list = [...missing].map(([n, id]) => `{${n}} (used by ${id === 'small talk' ? 'small talk' : `FAQ "${id}"`})`).join(', ');
      throw new KefuError('undeclared-variable', `kefu: answers use undeclared variables ${list}; declare them in the KB's \`variables\` or in createBot({ variables: { … } })`);
    }
  }
}
