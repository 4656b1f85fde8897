/**
 * The bot: a matcher plus the conversation layer. Per session it keeps the transcript,
 * failures in a row and the handoff state machine:
 *
 *   bot ──(request · failures · anger · flagged FAQ)──▶ waiting ──(agent accepts/replies)──▶ human
 *    ▲                                                    │                                   │
 *    └──────────────(no agent within agentWaitMs)─────────┘◀──────────(handback)──────────────┘
 *
 * While a session is waiting or with a human the bot stays silent (`with-human` replies)
 * and relays the customer's words through the `customer-message` event. Browser-safe.
 */
import EventEmitter from 'eventemitter3';
import { errorMessage, KefuError } from '../errors.js';
import { byQueueOrder, callHandoffHandler, higherPriority, PRIORITY_RANK } from './handoff.js';
import { checkVariables, fillVariables } from './variables.js';
import { captureOf, questionBefore } from './learning.js';
import type { FaqPriority, KefuFaq } from '../kb/schema.js';
import type { KefuMatch, KefuMatcher, KefuPreparedQuestion } from '../match/matcher.js';
import { clarifyOffers } from '../match/decide.js';
import { normalize } from '../text/normalize.js';
import { MemorySessionStore, newSession, type KefuSession, type KefuSessionStore, type KefuTurn } from './session.js';
import { StatsRecorder, type KefuStats } from './stats.js';
import { checkQuestion, DEFAULT_MAX_QUESTION_LENGTH } from './question.js';
import { redact } from '../learn/redact.js';
import type { KefuCapture, KefuLearner } from '../learn/learner.js';
import { TaskRunner, type KefuTaskIO } from '../task/runner.js';
import type { KefuTaskOptions } from '../task/types.js';
import { asksForHuman, DEFAULT_SMALL_TALK, detectSmallTalk, readEmotion, type EmotionReading, type SmallTalkKind } from './triggers.js';
import { DEFAULT_MESSAGES, type HandoffReason, type KefuAskOptions, type KefuBotEvents, type KefuBotInfo, type KefuBotMessages, type KefuBotOptions, type KefuHandoffEvent, type KefuReply, type KefuSuggestion } from './types.js';

/** Stores that report outages (the Redis ones) emit these; the bot re-emits them. */
interface ReportingStore {
  on(event: 'degraded', fn: (e: { op: string; error: string; queued: boolean }) => void): unknown;
  on(event: 'recovered', fn: (e: { flushed: number }) => void): unknown;
}

/** Captures a learner may have waiting before a reply waits for its own (see `learn`). */
const MAX_PENDING_CAPTURES = 100;
const CHOICE = /^(?:第)?([1-3一二三])(?:个|条|项)?$/;

export class KefuBot extends EventEmitter<KefuBotEvents> {
  readonly matcher: KefuMatcher;
  readonly sessions: KefuSessionStore;
  private readonly learner?: KefuLearner;
  private readonly tasks: TaskRunner;
  private readonly opt: Required<Omit<KefuBotOptions, 'messages' | 'smallTalk' | 'onHandoff' | 'sessions' | 'learner' | keyof KefuTaskOptions>> & {
    smallTalk: Partial<Record<SmallTalkKind, string>> | false;
    messages: KefuBotMessages;
    onHandoff?: KefuBotOptions['onHandoff'];
  };
  private readonly recorder = new StatsRecorder();

  constructor(matcher: KefuMatcher, options: KefuBotOptions = {}) {
    super();
    this.matcher = matcher;
    this.sessions = options.sessions ?? new MemorySessionStore({ now: options.now });
    this.learner = options.learner;
    this.opt = {
      // shopName has a neutral default because the built-in small talk uses it.
      variables: { shopName: '本店', ...matcher.kb.variables, ...options.variables },
      sessionVariables: options.sessionVariables ?? {},
      smallTalk: options.smallTalk === false ? false : { ...DEFAULT_SMALL_TALK, ...options.smallTalk },
      emotionThreshold: options.emotionThreshold ?? 0.5,
      maxFailures: options.maxFailures ?? 2,
      messages: { ...DEFAULT_MESSAGES, ...options.messages },
      onHandoff: options.onHandoff,
      handoffTimeoutMs: options.handoffTimeoutMs ?? 5000,
      agentWaitMs: options.agentWaitMs ?? 120_000,
      maxQuestionLength: options.maxQuestionLength ?? DEFAULT_MAX_QUESTION_LENGTH,
      redactTranscripts: options.redactTranscripts ?? false,
      now: options.now ?? Date.now,
    };
    checkVariables(this.scopes(), matcher.kb.faqs, { smallTalk: Object.values(this.opt.smallTalk || {}), messages: Object.values(this.opt.messages) });
    const { actions, choices, actionTimeoutMs, followUps } = options;
    this.tasks = new TaskRunner(matcher, { actions, choices, actionTimeoutMs, followUps, declaredVariables: [...Object.keys(this.opt.variables), ...Object.keys(this.opt.sessionVariables)] });
    this.relayStoreEvents(this.sessions, 'sessions');
    if (this.learner) this.relayStoreEvents(this.learner.store, 'learning');
  }

  private relayStoreEvents(store: object, name: 'sessions' | 'learning'): void {
    if (typeof (store as Partial<ReportingStore>).on !== 'function') return;
    (store as ReportingStore).on('degraded', (e) => this.emit('store-degraded', { store: name, ...e }));
    (store as ReportingStore).on('recovered', (e) => this.emit('store-recovered', { store: name, ...e }));
  }

  /**
   * Answer one customer message in its conversation.
   * @example
   * const reply = await bot.ask('这件衣服可以退货吗', { sessionId: 'u-42' });
   * if (reply.type === 'answer') show(reply.text);
   */
  async ask(text: string, options: KefuAskOptions = {}): Promise<KefuReply> {
    checkQuestion(text, this.opt.maxQuestionLength, 'ask');
    const sessionId = options.sessionId ?? 'default';
    if (options.variables) {
      for (const k of Object.keys(options.variables)) {
        if (!(k in this.opt.sessionVariables)) throw new KefuError('undeclared-variable', `kefu: session variable "${k}" is not declared; add it to createBot({ sessionVariables: { ${k}: '<default>' } })`);
      }
    }
    const [reply, session] = await this.exclusive(sessionId, async () => {
      const now = this.opt.now();
      const session = (await this.sessions.get(sessionId)) ?? newSession(sessionId, now, { channel: options.channel, user: options.user });
      if (options.variables) session.variables = { ...session.variables, ...options.variables };
      session.updatedAt = now;
      const customer = this.addTurn(session, { role: 'customer', text });
      const reply = await this.respond(session, text, customer, options.faqId);
      await this.sessions.set(session);
      return [reply, session] as const;
    });
    await this.learnFrom(reply, session);
    this.emit('reply', reply);
    return reply;
  }

  /** A session's read-change-write, one at a time per session (across processes when the store is shared). */
  private exclusive<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
    return this.sessions.exclusive ? this.sessions.exclusive(sessionId, fn) : fn();
  }

  private async respond(s: KefuSession, input: string, customer: KefuTurn, faqId?: string): Promise<KefuReply> {
    const base = { sessionId: s.id, input };
    if (s.mode !== 'bot') {
      const waited = this.opt.now() - (s.handoff?.requestedAt ?? s.updatedAt);
      if (s.mode === 'waiting' && waited > this.opt.agentWaitMs) {
        s.mode = 'bot';
        s.handoff = undefined;
        s.failures = 0;
        this.emit('handoff-timeout', { sessionId: s.id, waitedMs: waited });
        // The apology comes with an answer to this message: it is not dropped.
        const notice = this.fill(this.opt.messages.noAgent, s);
        this.addTurn(s, { role: 'bot', text: notice, type: 'fallback' });
        const reply = await this.respond(s, input, customer);
        return 'text' in reply && reply.text ? { ...reply, text: `${notice}\n${reply.text}` } : reply;
      }
      if (s.mode === 'waiting' && s.handoff && !s.handoff.delivered) await this.deliver(s, input, readEmotion(input));
      // Anger while waiting moves the customer up the queue.
      const anger = s.mode === 'waiting' && s.handoff ? readEmotion(input).intensity : 0;
      if (anger >= this.opt.emotionThreshold) {
        s.handoff!.priority = higherPriority(s.handoff!.priority, anger >= 0.75 ? 'urgent' : 'high');
      }
      this.emit('customer-message', { sessionId: s.id, turn: customer, waiting: s.mode === 'waiting' });
      this.recorder.record({ at: this.opt.now(), kind: 'with-human' });
      return { ...base, type: 'with-human', turnId: customer.id, text: '', waiting: s.mode === 'waiting' };
    }

    // The question is normalized once, and analysed (and embedded) at most once for matching.
    const normalized = normalize(input);
    let preparing: Promise<KefuPreparedQuestion> | undefined;
    const prepared = () => (preparing ??= this.matcher.prepare(input, this.matcher.analyze(input, normalized)));
    const io = () => this.taskIO(s, input, emotion, normalized, prepared);
    const emotion = readEmotion(input, normalized);
    if (asksForHuman(input, normalized)) return this.handoff(s, input, 'explicit-request', 'normal', null, emotion);
    if (emotion.intensity >= this.opt.emotionThreshold) {
      return this.handoff(s, input, 'negative-emotion', emotion.intensity >= 0.75 ? 'high' : 'normal', null, emotion);
    }
    const kind = this.opt.smallTalk ? detectSmallTalk(input, normalized) : undefined;
    if (kind && this.opt.smallTalk) {
      return this.botSays(s, { ...base, type: 'small-talk', kind, text: this.fill(this.opt.smallTalk[kind] ?? DEFAULT_SMALL_TALK[kind], s) }, 'small-talk');
    }

    // "2" / "第二个" after a "did you mean" list picks that FAQ.
    const choice = s.offered && CHOICE.exec(input.trim());
    const picked = faqId ? this.matcher.faq(faqId) : undefined;
    // ── Task hook (src/task/): an open task reads the message first; follow-ups, buying intent ──
    const pre = choice || picked ? undefined : await this.tasks.before(s, input, io());
    if (pre && 'reply' in pre) return pre.reply;
    let m: KefuMatch;
    if (picked) m = { type: 'answer', text: input, id: picked.id, confidence: 1, candidates: [{ id: picked.id, confidence: 1, question: picked.question }] };
    else if (choice) {
      const k = '1一'.includes(choice[1]) ? 0 : '2二'.includes(choice[1]) ? 1 : 2;
      const id = s.offered![k];
      m = id ? { type: 'answer', text: input, id, confidence: 1, candidates: [{ id, confidence: 1, question: this.matcher.faq(id)!.question }] } : this.matcher.match(await prepared());
    } else m = pre?.match ?? this.matcher.match(await prepared());
    s.offered = undefined;
    if (m.type === 'answer' && this.tasks.owns(m.id)) return this.tasks.start(s, m.id, input, io());

    if (m.type === 'answer') {
      const faq = this.matcher.faq(m.id)!;
      s.failures = 0;
      s.lastFaqId = faq.id;
      if (faq.handoff === true) return this.handoff(s, input, 'faq-flagged', faq.priority ?? 'normal', faq, emotion, m);
      const offer = faq.handoff === 'offer' ? '\n如需进一步帮助，可以说“转人工”。' : '';
      return this.botSays(s, { ...base, type: 'answer', text: this.answerText(faq, s) + offer, id: m.id, confidence: m.confidence, candidates: m.candidates }, 'answer');
    }
    s.failures++;
    const limit = this.opt.maxFailures > 0 && s.failures >= this.opt.maxFailures;
    if (m.type === 'clarify') {
      // A clarify is never replaced by the repeated-failure handoff (its choices would be lost):
      // at the limit the human is offered with the choices; a further failure hands over.
      const offered = clarifyOffers(m.candidates, this.matcher.thresholds);
      s.offered = offered.map((c) => c.id);
      const list = offered.map((c, i) => `${i + 1}. ${c.question}`).join('\n');
      const offer = limit ? `\n${this.opt.messages.clarifyOffer}` : '';
      return this.botSays(s, { ...base, type: 'clarify', text: `${this.opt.messages.clarify}\n${list}${offer}`, id: m.id, confidence: m.confidence, candidates: offered }, 'clarify');
    }
    if (limit) return this.handoff(s, input, 'repeated-failure', 'normal', null, emotion, m);
    return this.botSays(s, { ...base, type: 'fallback', text: this.fill(this.opt.messages.fallback, s), id: m.id, confidence: m.confidence, candidates: m.candidates }, 'fallback');
  }

  /** What the task runner may do in this conversation (src/task/runner.ts). */
  private taskIO(s: KefuSession, input: string, emotion: EmotionReading, normalized: string, prepared: () => Promise<KefuPreparedQuestion>): KefuTaskIO {
    return {
      normalized,
      prepared,
      say: (reply) => this.botSays(s, reply, reply.type === 'task' ? 'answer' : (reply.type as 'answer')),
      handoff: () => this.handoff(s, input, 'task-failed', 'normal', null, emotion),
      answerText: (faq) => this.answerText(faq, s),
      fill: (text) => this.fill(text, s),
      emit: (event, payload) => (this.emit as (e: string, p: unknown) => boolean)(event, payload),
      now: this.opt.now,
      variables: () => ({ ...this.opt.variables, ...this.opt.sessionVariables, ...s.variables }),
    };
  }

  private async handoff(s: KefuSession, input: string, reason: HandoffReason, priority: FaqPriority, faq: KefuFaq | null, emotion: EmotionReading, m?: KefuMatch): Promise<KefuReply> {
    // The KB's priority for the FAQ the customer is asking about raises the request's priority.
    const about = faq ?? (m?.id ? this.matcher.faq(m.id) : undefined);
    if (about?.priority && PRIORITY_RANK[about.priority] > PRIORITY_RANK[priority] && (faq || (m && m.confidence >= this.matcher.thresholds.clarify))) priority = about.priority;
    s.mode = 'waiting';
    s.failures = 0;
    s.handoff = { reason, priority, requestedAt: this.opt.now(), delivered: false, attempts: 0 };
    const delivered = await this.deliver(s, input, emotion, m);
    const lead = faq ? `${this.answerText(faq, s)}\n` : '';
    const text = lead + (delivered ? this.opt.messages.handoff : this.opt.messages.handoffFailed);
    return this.botSays(s, { sessionId: s.id, input, type: 'handoff', text, reason, priority, id: faq?.id ?? null, emotion, delivered }, 'handoff', { reason, faqId: faq?.id ?? null });
  }

  /** Emit the event and await the host's handler (bounded by handoffTimeoutMs). */
  private async deliver(s: KefuSession, input: string, emotion: EmotionReading, m?: KefuMatch): Promise<boolean> {
    const h = s.handoff!;
    h.attempts++;
    const event: KefuHandoffEvent = {
      sessionId: s.id,
      reason: h.reason,
      priority: h.priority,
      emotion,
      text: input,
      channel: s.channel,
      user: s.user,
      transcript: s.turns.map((t) => ({ ...t })),
      suggestions: this.suggestionsFor(m ?? (await this.matchAsBot(input))),
      attempt: h.attempts,
      ...(s.task ? { task: { id: s.task.id, slots: { ...s.task.slots } } } : {}),
    };
    if (h.attempts === 1) this.emit('handoff', event);
    if (!this.opt.onHandoff) {
      h.delivered = true;
      return true;
    }
    const outcome = await callHandoffHandler(this.opt.onHandoff, event, this.opt.handoffTimeoutMs);
    h.delivered = outcome.delivered;
    h.lastError = outcome.delivered ? undefined : outcome.error;
    if (!outcome.delivered) this.emit('handoff-failed', { sessionId: s.id, attempt: h.attempts, error: outcome.error });
    return h.delivered;
  }

  /** Hand what the bot could not answer to the learner; a failing store never fails the reply. */
  private async learnFrom(reply: KefuReply, s: KefuSession): Promise<void> {
    const capture = this.learner && captureOf(reply, s);
    if (capture) await this.learn(s.id, capture);
  }

  /**
   * Capture for the learner without holding the reply for it: captures queue one at a time,
   * each a store round trip (a file lock and an fsync for a JSON Lines queue), and a
   * fallback reply waited 8–11 ms for it behind a 1,000-group file. Past MAX_PENDING_CAPTURES
   * waiting, the reply waits for its own again, so a store slower than the traffic slows
   * replies down instead of piling captures up in memory. A failing store is reported as
   * `learn-error`, never thrown; `learner.idle()` waits for every capture.
   */
  private async learn(sessionId: string, capture: KefuCapture): Promise<void> {
    const learner = this.learner;
    if (!learner) return;
    const stored = learner.capture(capture).then(
      () => undefined,
      (err: unknown) => {
        this.emit('learn-error', { sessionId, error: errorMessage(err) });
      },
    );
    if (learner.pending > MAX_PENDING_CAPTURES) await stored;
  }

  /** Retry every handoff the host's handler has not accepted yet; returns how many got through. */
  async retryHandoffs(): Promise<number> {
    let ok = 0;
    for (const listed of (await this.sessions.withHuman?.()) ?? []) {
      if (listed.mode !== 'waiting' || !listed.handoff || listed.handoff.delivered) continue;
      await this.exclusive(listed.id, async () => {
        // Re-read under the lock: another process may have delivered it meanwhile.
        const s = await this.sessions.get(listed.id);
        if (!s || s.mode !== 'waiting' || !s.handoff || s.handoff.delivered) return;
        const last = [...s.turns].reverse().find((t) => t.role === 'customer');
        if (await this.deliver(s, last?.text ?? '', readEmotion(last?.text ?? ''))) ok++;
        await this.sessions.set(s);
      });
    }
    return ok;
  }

  /**
   * End every wait for an agent longer than `agentWaitMs`: the bot apologises (offering to take
   * a message) and emits `handoff-timeout`. Call it on a timer, so the wait ends on time rather
   * than on the customer's next message. Returns how many waits ended.
   */
  async expireWaiting(): Promise<number> {
    let ended = 0;
    const now = this.opt.now();
    for (const listed of (await this.sessions.withHuman?.()) ?? []) {
      if (listed.mode !== 'waiting' || now - (listed.handoff?.requestedAt ?? listed.updatedAt) <= this.opt.agentWaitMs) continue;
      const done = await this.exclusive(listed.id, async () => {
        const s = await this.sessions.get(listed.id);
        if (!s || s.mode !== 'waiting') return undefined;
        const waited = this.opt.now() - (s.handoff?.requestedAt ?? s.updatedAt);
        if (waited <= this.opt.agentWaitMs) return undefined;
        s.mode = 'bot';
        s.handoff = undefined;
        s.failures = 0;
        const text = this.fill(this.opt.messages.noAgent, s);
        const turn = this.addTurn(s, { role: 'bot', text, type: 'handoff-timeout' });
        await this.sessions.set(s);
        return { waited, turn };
      });
      if (!done) continue;
      ended++;
      this.emit('handoff-timeout', { sessionId: listed.id, waitedMs: done.waited, turn: done.turn });
    }
    return ended;
  }

  /** Sessions waiting for or talking with a human, for an agent console. */
  async handoffQueue(): Promise<KefuSession[]> {
    const list = (await this.sessions.withHuman?.()) ?? [];
    return list.sort(byQueueOrder);
  }

  /** An agent takes the conversation (also implied by their first `agentReply`). */
  async agentAccept(sessionId: string, agentId?: string): Promise<void> {
    await this.exclusive(sessionId, async () => {
      const s = await this.mustGet(sessionId);
      s.mode = 'human';
      if (s.handoff) {
        s.handoff.acceptedAt = this.opt.now();
        s.handoff.agentId = agentId;
      }
      await this.sessions.set(s);
    });
  }

  /**
   * Record an agent's reply (the host sends it to the customer); the bot stays silent until `handback`.
   * @example
   * bot.on('customer-message', (e) => agentUi.show(e.sessionId, e.turn.text));
   * await bot.agentReply('u-42', '您好，我是客服小王，马上为您处理。', 'agent-7');
   */
  async agentReply(sessionId: string, text: string, agentId?: string): Promise<KefuTurn> {
    checkQuestion(text, Math.max(this.opt.maxQuestionLength, 10_000), 'agentReply');
    const [s, turn] = await this.exclusive(sessionId, async () => {
      const s = await this.mustGet(sessionId);
      if (s.mode === 'bot') throw new KefuError('not-with-human', `kefu: session "${sessionId}" is not handed over to a human; nothing to reply to`);
      if (s.mode === 'waiting') {
        s.mode = 'human';
        if (s.handoff) Object.assign(s.handoff, { acceptedAt: this.opt.now(), agentId, delivered: true });
      }
      s.updatedAt = this.opt.now();
      const turn = this.addTurn(s, { role: 'agent', text });
      await this.sessions.set(s);
      return [s, turn] as const;
    });
    this.emit('agent-message', { sessionId, turn, agentId });
    // The customer's question and the agent's answer: a candidate FAQ for review.
    const question = this.learner && questionBefore(s, turn.id);
    if (question && !s.turns.some((t) => t.role === 'agent' && t.id !== turn.id)) {
      await this.learn(sessionId, { text: question, reason: 'agent-reply', channel: s.channel, agentReply: text });
    }
    return turn;
  }

  /** Give the conversation back to the bot. Returns the bot's closing line for the customer. */
  async handback(sessionId: string): Promise<string> {
    const text = await this.exclusive(sessionId, async () => {
      const s = await this.mustGet(sessionId);
      s.mode = 'bot';
      s.handoff = undefined;
      s.failures = 0;
      const text = this.fill(this.opt.messages.handback, s);
      this.addTurn(s, { role: 'bot', text, type: 'handback' });
      await this.sessions.set(s);
      return text;
    });
    this.emit('handback', { sessionId });
    return text;
  }

  /** The customer's thumbs up/down on one bot reply. */
  async feedback(sessionId: string, turnId: string, vote: 'up' | 'down'): Promise<void> {
    if (vote !== 'up' && vote !== 'down') throw new KefuError('bad-feedback', `kefu: feedback is 'up' or 'down', not ${JSON.stringify(vote)}`);
    const [s, turn] = await this.exclusive(sessionId, async () => {
      const s = await this.mustGet(sessionId);
      const turn = s.turns.find((t) => t.id === turnId && t.role === 'bot');
      if (!turn) throw new KefuError('unknown-turn', `kefu: session "${sessionId}" has no bot reply "${turnId}"`);
      turn.feedback = vote;
      await this.sessions.set(s);
      return [s, turn] as const;
    });
    this.recorder.record({ at: this.opt.now(), kind: 'feedback', vote, faqId: turn.faqId });
    this.emit('feedback', { sessionId, turnId, vote, faqId: turn.faqId });
    const question = vote === 'down' && this.learner ? questionBefore(s, turnId) : undefined;
    if (question) {
      await this.learn(sessionId, { text: question, reason: 'down-vote', channel: s.channel, nearest: turn.faqId ? [{ id: turn.faqId, confidence: turn.confidence ?? 0 }] : undefined });
    }
  }

  /**
   * KB size and segmenter, with why when Intl.Segmenter stands in for nodejieba.
   * @example
   * bot.info(); // { faqs: 69, questions: 412, segmenter: 'nodejieba', embedding: { path: 'onnxruntime-node', name: 'bge-small-zh-v1.5 …' } }
   */
  info(): KefuBotInfo {
    const { faqs, questions } = this.matcher.size;
    const fallback = this.matcher.segmenterFallback;
    const { path, name, reason } = this.matcher.embedding;
    const embedding = { path, ...(name ? { name } : {}), ...(reason ? { reason } : {}) };
    return { faqs, questions, segmenter: this.matcher.segmenterName, ...(fallback ? { segmenterFallback: fallback } : {}), embedding };
  }

  /** Resolution, fallback and handoff rates, top FAQs, average confidence, over the last `windowMs` (default: all kept). */
  stats(windowMs = Infinity): KefuStats {
    return this.recorder.summarize(this.opt.now() - windowMs);
  }

  async session(sessionId: string): Promise<KefuSession | undefined> {
    return this.sessions.get(sessionId);
  }

  /**
   * The KB's answers that fit a question, for an agent: matched as the bot matches (with the
   * semantic signal when it runs), so an agent is offered what the bot would have answered.
   * @example
   * const [best] = await bot.suggest('快递丢了'); // { id, confidence, question, answer }
   */
  async suggest(text: string): Promise<KefuSuggestion[]> {
    checkQuestion(text, this.opt.maxQuestionLength, 'suggest');
    return this.suggestionsFor(await this.matchAsBot(text));
  }

  private async matchAsBot(text: string): Promise<KefuMatch> {
    return this.matcher.match(await this.matcher.prepare(text));
  }

  private suggestionsFor(m: KefuMatch): KefuSuggestion[] {
    return m.candidates.map((c) => {
      const faq = this.matcher.faq(c.id)!;
      return { ...c, answer: this.fill(Array.isArray(faq.answer) ? faq.answer[0] : faq.answer) };
    });
  }

  private async mustGet(sessionId: string): Promise<KefuSession> {
    const s = await this.sessions.get(sessionId);
    if (!s) throw new KefuError('unknown-session', `kefu: no session "${sessionId}" (expired or never started)`);
    return s;
  }

  private addTurn(s: KefuSession, t: Omit<KefuTurn, 'id' | 'at'>): KefuTurn {
    const turn: KefuTurn = { id: `t${s.nextTurn++}${s.turnTag ?? ''}`, at: this.opt.now(), ...t };
    if (this.opt.redactTranscripts && t.role !== 'bot') turn.text = redact(t.text).text;
    s.turns.push(turn);
    if (s.turns.length > 200) s.turns.splice(0, s.turns.length - 200);
    return turn;
  }

  private botSays<R extends Omit<KefuReply, 'turnId'>>(s: KefuSession, reply: R, kind: 'answer' | 'clarify' | 'fallback' | 'handoff' | 'small-talk', extra: { reason?: HandoffReason; faqId?: string | null } = {}): R & { turnId: string } {
    const r = reply as unknown as { id?: string | null; confidence?: number };
    const turn = this.addTurn(s, { role: 'bot', text: reply.text, type: reply.type, faqId: extra.faqId ?? r.id ?? undefined, confidence: r.confidence });
    this.recorder.record({ at: this.opt.now(), kind, faqId: extra.faqId ?? r.id, confidence: r.confidence, reason: extra.reason });
    return { ...reply, turnId: turn.id };
  }

  private answerText(faq: KefuFaq, s: KefuSession): string {
    const variants = Array.isArray(faq.answer) ? faq.answer : [faq.answer];
    return this.fill(variants[(s.nextTurn - 1) % variants.length], s);
  }

  /** Bot variables, then session variables over their declared defaults; never a blank. */
  private fill(text: string, s?: KefuSession): string {
    return fillVariables(text, this.scopes(), s?.variables);
  }

  private scopes() {
    return { bot: this.opt.variables, sessionDefaults: this.opt.sessionVariables };
  }
}
