/** The bot's public types: its options, messages, replies and events (the bot itself: bot.ts). */
import type { FaqPriority } from '../kb/schema.js';
import type { EmbeddingInfo } from '../embed/load.js';
import type { KefuCandidate } from '../match/matcher.js';
import type { KefuHandoffReason, KefuSession, KefuSessionStore, KefuTurn } from './session.js';
import type { KefuLearner } from '../learn/learner.js';
import type { KefuTaskEvents, KefuTaskInfo, KefuTaskOptions } from '../task/types.js';
import type { EmotionReading, SmallTalkKind } from './triggers.js';

export type HandoffReason = KefuHandoffReason;

/** What a bot runs on (`bot.info()`). */
export interface KefuBotInfo {
  faqs: number;
  questions: number;
  /** 'nodejieba', 'intl' (Intl.Segmenter) or your segmenter's name. */
  segmenter: string;
  /** Set when Intl.Segmenter stands in for nodejieba (not installed or failed to build): why. */
  segmenterFallback?: string;
  /** Which embedding path matches by meaning: `onnxruntime-node`, `custom`, or `lexical` with the reason. */
  embedding: { path: EmbeddingInfo['path']; name?: string; reason?: string };
}

/** Task options (`actions`, `choices`, `actionTimeoutMs`, `followUps`): see src/task/types.ts. */
export interface KefuBotOptions extends KefuTaskOptions {
  /** Values for `{name}` variables in answers, e.g. `{ shopName: '小店' }` (the KB's `variables` are defaults). */
  variables?: Record<string, string>;
  /** Per-session variables (set with `ask(…, { variables })`) and their defaults, e.g. `{ userName: '亲' }`. */
  sessionVariables?: Record<string, string>;
  /** Replace or extend the built-in small-talk replies. `false` switches small talk off. */
  smallTalk?: Partial<Record<SmallTalkKind, string>> | false;
  /** Emotion intensity (0..1) at which the bot hands over. Default 0.5. */
  emotionThreshold?: number;
  /** Fallback/clarify replies in a row before handing over. Default 2; 0 never. */
  maxFailures?: number;
  /** Reply texts. */
  messages?: Partial<KefuBotMessages>;
  /** Where sessions live. Default: in memory, 30 minutes TTL, 10,000 sessions at most. */
  sessions?: KefuSessionStore;
  /**
   * Called (and awaited) for every handoff: put the conversation in your agents' queue.
   * If it throws or takes longer than `handoffTimeoutMs`, the customer is told, the request
   * is kept and delivery is retried on the customer's next message or `retryHandoffs()`.
   */
  onHandoff?: (event: KefuHandoffEvent) => void | Promise<void>;
  /** Default 5,000 ms. */
  handoffTimeoutMs?: number;
  /** How long a customer waits for an agent before the bot apologises and offers to take a message. Default 120,000 ms. */
  agentWaitMs?: number;
  /**
   * Where questions the bot could not answer well go (fallbacks, clarifications, handoffs
   * after failures or anger, down-voted answers, and agent replies after a handoff).
   */
  learner?: KefuLearner;
  /**
   * Longest customer message accepted, in characters (default 2,000). Longer ones, and
   * anything not a string, make `ask` throw a `KefuQuestionError` ('question-too-long',
   * 'question-not-text') before the session is touched.
   */
  maxQuestionLength?: number;
  /**
   * Store customer and agent turns redacted (`redact`) in the session store too. Default
   * false: transcripts keep raw text for the agent; learning captures are always redacted.
   */
  redactTranscripts?: boolean;
  /** Clock, for tests. */
  now?: () => number;
}

export interface KefuBotMessages {
  fallback: string;
  clarify: string;
  /** Added to a clarify reply once failures reach `maxFailures`: the human is offered, the choices stay. */
  clarifyOffer: string;
  handoff: string;
  handoffFailed: string;
  noAgent: string;
  handback: string;
}

export const DEFAULT_MESSAGES: KefuBotMessages = {
  fallback: '抱歉，这个问题我暂时无法回答。您可以换个说法，或者说“转人工”联系人工客服。',
  clarify: '您是想问：',
  clarifyOffer: '都不是？回复序号，或说“转人工”为您转接人工客服。',
  handoff: '正在为您转接人工客服，请稍候…',
  handoffFailed: '抱歉，转接人工客服暂时没有成功。您的请求已记录，客服会尽快联系您。',
  noAgent: '抱歉，目前人工客服都在忙。您可以留言（问题和联系方式），客服上线后会第一时间回复您；也可以继续问我。',
  handback: '人工客服已结束服务，如还有问题可以继续问我。',
};

export interface KefuAskOptions {
  sessionId?: string;
  channel?: string;
  user?: KefuSession['user'];
  /** Per-session variables, e.g. `{ userName: '张先生' }`; must be declared in `sessionVariables`. */
  variables?: Record<string, string>;
  /**
   * The customer picked this FAQ (a "did you mean" or related-question chip): answer it
   * directly, never counted as a failure. An unknown id is matched as plain text instead.
   */
  faqId?: string;
}

interface ReplyBase {
  sessionId: string;
  /** The bot turn this reply is (for `feedback`); the customer's turn for `with-human`. */
  turnId: string;
  /** What the customer wrote. */
  input: string;
  /** What the bot says ('' while a human holds the conversation). */
  text: string;
  /** The task this reply belongs to, or the one still open while an unrelated question is answered. */
  task?: KefuTaskInfo;
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
      /** The FAQ answered before handing over (reason 'faq-flagged'), else null. */
      id: string | null;
      emotion: EmotionReading;
      /** Whether the host's `onHandoff` accepted the request (false: kept and retried). */
      delivered: boolean;
    })
  | (ReplyBase & { type: 'with-human'; waiting: boolean })
  /** A step of a task: asking for a slot, confirming, or its outcome (`result`: what the host's action returned). */
  | (ReplyBase & { type: 'task'; id: string; task: KefuTaskInfo; result?: unknown });

export interface KefuSuggestion extends KefuCandidate {
  answer: string;
}

export interface KefuHandoffEvent {
  sessionId: string;
  reason: HandoffReason;
  priority: FaqPriority;
  emotion: EmotionReading;
  /** The customer's message that triggered it. */
  text: string;
  channel?: string;
  user?: KefuSession['user'];
  transcript: KefuTurn[];
  /** The KB's best answers for the agent (the same KB serves bot and humans). */
  suggestions: KefuSuggestion[];
  attempt: number;
  /** The task open when handing over (reason 'task-failed': its action failed), with the slots collected. */
  task?: { id: string; slots: Record<string, string> };
}

export interface KefuBotEvents extends KefuTaskEvents {
  handoff: (event: KefuHandoffEvent) => void;
  'handoff-failed': (event: { sessionId: string; attempt: number; error: string }) => void;
  /** `turn`: the bot's apology, when the wait was ended by `expireWaiting` (not by a message). */
  'handoff-timeout': (event: { sessionId: string; waitedMs: number; turn?: KefuTurn }) => void;
  'customer-message': (event: { sessionId: string; turn: KefuTurn; waiting: boolean }) => void;
  'agent-message': (event: { sessionId: string; turn: KefuTurn; agentId?: string }) => void;
  handback: (event: { sessionId: string }) => void;
  reply: (reply: KefuReply) => void;
  feedback: (event: { sessionId: string; turnId: string; vote: 'up' | 'down'; faqId?: string | null }) => void;
  'learn-error': (event: { sessionId: string; error: string }) => void;
  /** A shared store (e.g. Redis) could not do `op`; the bot went on (from its own copy) and, if `queued`, will retry the write. */
  'store-degraded': (event: { store: 'sessions' | 'learning'; op: string; error: string; queued: boolean }) => void;
  /** The store is back; `flushed` queued writes went through. */
  'store-recovered': (event: { store: 'sessions' | 'learning'; flushed: number }) => void;
}
