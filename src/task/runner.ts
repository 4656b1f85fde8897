/**
 * The task dialogue: a small state machine per session (kept in `session.task`, so it expires
 * with the session and travels with it through a shared store).
 *
 *   matched ─▶ collecting ──(all required slots)──▶ confirming ──(yes)──▶ action ─▶ done
 *                 │  ▲  re-ask with the reason          │ (no)            │ refused ─▶ done (+ offer `next`)
 *                 │  └── unrelated FAQ answered (≤ 2)    ▼                 └ throw/timeout ─▶ failed (onError)
 *                 └──────── 算了 / 不用了 / 取消 ────▶ cancelled
 *
 * Rules: slots are asked one at a time in their KB order; a message may fill several (each
 * entity fills the first empty slot of its type); a message that fills nothing is an unrelated
 * question if the matcher answers it (answered, the task kept and its question repeated; after
 * a third unrelated question the task is dropped), the start of another task if it matches one
 * (the old task is dropped), and otherwise an unusable value (re-asked with the reason; after
 * three, the task fails and the customer is pointed to a human).
 */
import type { KefuReply } from '../bot/types.js';
import type { KefuSession } from '../bot/session.js';
import { EntityExtractor, type KefuEntity } from '../entities/extract.js';
import { KefuError, errorMessage } from '../errors.js';
import type { KefuFaq, KefuTask, KefuTaskSlot } from '../kb/schema.js';
import type { KefuMatch, KefuMatcher, KefuPreparedQuestion } from '../match/matcher.js';
import { followUpMatch } from './followup.js';
import { detectPurchaseIntent } from './purchase.js';
import { fillTemplate } from './template.js';
import type { KefuActionContext, KefuChoice, KefuTaskEvents, KefuTaskInfo, KefuTaskOptions, KefuTaskState, KefuTaskStatus } from './types.js';
import { choiceIndex, isCancel, isNo, isYes } from './words.js';

/** A reply before the bot records it (each member of the union without its turnId). */
export type KefuReplyDraft = KefuReply extends infer R ? (R extends unknown ? Omit<R, 'turnId'> : never) : never;

/** What the bot lends the runner: recording replies, handing over, its variables and events. */
export interface KefuTaskIO {
  say(reply: KefuReplyDraft): KefuReply;
  handoff(): Promise<KefuReply>;
  answerText(faq: KefuFaq): string;
  fill(text: string): string;
  emit<E extends keyof KefuTaskEvents>(event: E, payload: Parameters<KefuTaskEvents[E]>[0]): void;
  now(): number;
  variables(): Record<string, string>;
  /** The message as the bot normalized it (once per message). */
  normalized: string;
  /** The message analysed and prepared for matching, at most once per message, shared with the bot. */
  prepared(): Promise<KefuPreparedQuestion>;
}

export type KefuTaskStep = { reply: KefuReply } | { match: KefuMatch } | undefined;

const MAX_ATTEMPTS = 3;
const MAX_INTERRUPTIONS = 2;
/** Characters (without spaces) a message needs to count as a question of its own during a task. */
const MIN_QUESTION = 4;
/** Below this an answer is uncertain (the matcher's confidence is calibrated: about a coin toss). */
const UNCERTAIN = 0.5;

export const TASK_MESSAGES = {
  cancelled: '好的，已为您取消。还有其他可以帮您的吗？',
  failed: '抱歉，暂时没能为您办理成功。',
  declined: '好的。还有其他可以帮您的吗？',
  notUnderstood: '抱歉，没有识别到{what}。',
  gaveUp: '抱歉，还是没能识别到需要的信息。您可以稍后再试，或者说“转人工”由人工客服为您处理。',
  resume: '（继续刚才的事：{ask}）',
  confirmAgain: '请回复“确认”继续，或回复“取消”放弃。',
  choices: '您最近的订单：',
  choicesHint: '回复序号即可，也可以直接发送{what}。',
};

const ENTITY_NAMES: Record<string, string> = {
  'order-number': '订单号', 'tracking-number': '快递单号', mobile: '手机号', phone: '电话号码', email: '邮箱', date: '日期', time: '时间',
  amount: '金额', count: '数量', size: '尺码', color: '颜色', product: '商品',
};

export class TaskRunner {
  private readonly tasks = new Map<string, KefuTask>();
  private readonly extractor: EntityExtractor;
  private readonly followUps: boolean;

  constructor(
    private readonly matcher: KefuMatcher,
    private readonly options: KefuTaskOptions & { declaredVariables?: string[] } = {},
  ) {
    const kb = matcher.kb;
    for (const t of kb.tasks ?? []) this.tasks.set(t.id, t);
    this.extractor = new EntityExtractor(kb.entities, kb.synonyms);
    this.followUps = options.followUps ?? kb.followUps ?? true;
    this.checkVariables(options.declaredVariables);
  }

  /** The id is a task the host can run (its action was provided). */
  owns(id: string | null): boolean {
    const t = id ? this.tasks.get(id) : undefined;
    return !!t && typeof this.options.actions?.[t.action] === 'function';
  }

  /**
   * Before the bot's own matching: an active task reads the message first. Returns the reply,
   * or the match the bot should use (a follow-up read in context, tasks without actions
   * removed), or undefined to let the bot match as usual.
   */
  async before(s: KefuSession, input: string, io: KefuTaskIO): Promise<KefuTaskStep> {
    const n = io.normalized;
    let st = s.task;
    if (st?.status === 'failed' || (st && !this.tasks.has(st.id))) st = s.task = undefined;
    if (st?.status === 'offered') {
      s.task = undefined;
      const offered = this.tasks.get(st.id)!;
      if (isYes(n)) return { reply: await this.begin(s, offered, input, io, [], st.slots) };
      if (isNo(n) || isCancel(n)) return { reply: this.finish(s, offered, st, 'cancelled', TASK_MESSAGES.declined, input, io) };
      st = undefined;
    }
    if (!st) return this.outsideTask(s, input, n, io);
    const task = this.tasks.get(st.id)!;
    if (isCancel(n)) return { reply: this.finish(s, task, st, 'cancelled', TASK_MESSAGES.cancelled, input, io) };
    if (st.status === 'confirming') {
      if (isYes(n)) return { reply: await this.run(s, task, st, input, io) };
      if (isNo(n)) return { reply: this.finish(s, task, st, 'cancelled', TASK_MESSAGES.cancelled, input, io) };
    }
    // Slot values first: "SO20241111001" would otherwise be matched as a question.
    const filled = st.status === 'collecting' ? this.fill(task, st, this.extractor.extract(input, { now: new Date(io.now()) }), n, io.now()) : { count: 0 };
    if (filled.count > 0 || filled.invalid) return { reply: await this.next(s, task, st, input, io, filled.invalid) };
    // A very short reply (啊这, 嗯) answers the bot's question; only a real question leaves the task.
    const m: KefuMatch = n.replace(/ /g, '').length >= MIN_QUESTION ? this.usable(this.matcher.match(await io.prepared())) : { type: 'fallback', text: input, id: null, confidence: 0, candidates: [] };
    if (m.type === 'answer' && this.owns(m.id)) {
      if (m.id === task.id) return { reply: await this.next(s, task, st, input, io) };
      s.task = undefined; // another task replaces this one
      return { reply: await this.begin(s, this.tasks.get(m.id)!, input, io) };
    }
    if (m.type === 'answer') {
      const faq = this.matcher.faq(m.id)!;
      if (faq.handoff === true) return { match: m };
      st.interruptions++;
      s.failures = 0;
      s.lastFaqId = faq.id;
      if (st.interruptions > MAX_INTERRUPTIONS) {
        s.task = undefined;
        return { reply: io.say({ sessionId: s.id, input, type: 'answer', text: io.answerText(faq), id: m.id, confidence: m.confidence, candidates: m.candidates }) };
      }
      const pending = st.status === 'confirming' ? io.fill(fillTemplate(task.confirm!, st.slots, undefined)) : this.askText(task, st, io);
      const text = `${io.answerText(faq)}\n${TASK_MESSAGES.resume.replace('{ask}', pending)}`;
      return { reply: io.say({ sessionId: s.id, input, type: 'answer', text, id: m.id, confidence: m.confidence, candidates: m.candidates, task: this.info(task, st, st.status as 'collecting' | 'confirming') }) };
    }
    if (st.status === 'confirming') return { reply: this.say(s, task, st, 'confirming', `${TASK_MESSAGES.confirmAgain}`, input, io) };
    st.attempts++;
    if (st.attempts >= MAX_ATTEMPTS) return { reply: this.finish(s, task, st, 'failed', TASK_MESSAGES.gaveUp, input, io) };
    const what = ENTITY_NAMES[task.slots![st.awaiting!].entity] ?? st.awaiting!;
    return { reply: await this.next(s, task, st, input, io, TASK_MESSAGES.notUnderstood.replace('{what}', what)) };
  }

  /** A task's entry won the match: start it, with whatever the first message already gives. */
  async start(s: KefuSession, id: string, input: string, io: KefuTaskIO): Promise<KefuReply> {
    return this.begin(s, this.tasks.get(id)!, input, io, this.extractor.extract(input, { now: new Date(io.now()) }));
  }

  /** Another text (a follow-up read in context) matched as the bot matches: with the scorers' asynchronous inputs. */
  private async matchText(text: string): Promise<KefuMatch> {
    return this.matcher.match(await this.matcher.prepare(text));
  }

  private async outsideTask(s: KefuSession, input: string, n: string, io: KefuTaskIO): Promise<KefuTaskStep> {
    let m = this.usable(this.matcher.match(await io.prepared()));
    if (this.followUps) m = await followUpMatch(this.matcher, s, n, m, async (text) => this.usable(await this.matchText(text)));
    const entities = this.extractor.extract(input, { now: new Date(io.now()) });
    // The how-to FAQ a task stands in for, asked with a value the task needs (查一下SO2024…的物流), starts the task.
    const stand = m.type !== 'fallback' && m.id ? this.standIn(m.id, entities) : undefined;
    if (stand) return { match: { ...m, type: 'answer', id: stand.id } };
    const intent = detectPurchaseIntent(n, entities);
    if (intent) {
      io.emit('purchase-intent', { sessionId: s.id, text: input, ...intent });
      const p = this.matcher.kb.purchase;
      // The shop's buying answer replaces a fallback, a clarification or an uncertain answer to a direct buying statement.
      if (p?.answer && (m.type !== 'answer' || (intent.direct && m.confidence < UNCERTAIN))) {
        const text = io.fill(p.answer.replace(/\{link\}/g, p.link ?? ''));
        return { reply: io.say({ sessionId: s.id, input, type: 'answer', text, id: 'purchase-intent', confidence: m.confidence, candidates: m.candidates }) };
      }
    }
    return { match: m };
  }

  private standIn(faqId: string, entities: KefuEntity[]): KefuTask | undefined {
    for (const t of this.tasks.values()) {
      if (t.faq === faqId && this.owns(t.id) && Object.values(t.slots ?? {}).some((slot) => entities.some((e) => e.type === slot.entity))) return t;
    }
    return undefined;
  }

  private async begin(s: KefuSession, task: KefuTask, input: string, io: KefuTaskIO, entities: KefuEntity[] = [], slots: Record<string, string> = {}): Promise<KefuReply> {
    const kept = Object.fromEntries(Object.entries(slots).filter(([k]) => task.slots?.[k]));
    const st: KefuTaskState = { id: task.id, status: 'collecting', slots: kept, attempts: 0, interruptions: 0 };
    s.task = st;
    const filled = this.fill(task, st, entities, io.normalized, io.now(), true);
    return this.next(s, task, st, input, io, filled.invalid);
  }

  /**
   * Put extracted values into empty slots: the awaited slot first, then the others in order,
   * each entity used once. A value refused by `validate` is reported only for the awaited slot.
   */
  private fill(task: KefuTask, st: KefuTaskState, entities: KefuEntity[], n: string, now: number, starting = false): { count: number; invalid?: string } {
    let count = 0;
    let invalid: string | undefined;
    const used = new Set<KefuEntity>();
    const slots = Object.entries(task.slots ?? {});
    const order = st.awaiting ? [...slots.filter(([k]) => k === st.awaiting), ...slots.filter(([k]) => k !== st.awaiting)] : slots;
    const k = st.awaiting && st.choices ? choiceIndex(n) : undefined;
    if (k !== undefined && st.choices?.[k]) {
      st.slots[st.awaiting!] = st.choices[k].value;
      st.choices = undefined;
      return { count: 1 };
    }
    for (const [name, slot] of order) {
      if (st.slots[name] !== undefined) continue;
      const e = entities.find((x) => !used.has(x) && x.type === slot.entity);
      if (!e) continue;
      used.add(e);
      const why = this.invalid(slot, e.value, e, now);
      if (why) {
        if (name === st.awaiting || (starting && !invalid)) invalid = why;
        continue;
      }
      st.slots[name] = e.value;
      count++;
    }
    return { count, invalid };
  }

  private invalid(slot: KefuTaskSlot, value: string, e: KefuEntity, now: number): string | undefined {
    const v = slot.validate;
    if (!v) return undefined;
    const because = v.message ?? `“${e.text}”不符合要求。`;
    if (v.pattern && !new RegExp(`^(?:${v.pattern})$`, 'i').test(value)) return because;
    if (v.values && !v.values.includes(value)) return v.message ?? `可选的有：${v.values.join('、')}。`;
    if (e.number !== undefined && ((v.min !== undefined && e.number < v.min) || (v.max !== undefined && e.number > v.max))) return because;
    if (v.future && e.type === 'date') {
      const d = new Date(now);
      const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      if (value < today) return v.message ?? '日期不能早于今天。';
    }
    return undefined;
  }

  /** Ask for the next missing slot, or confirm, or run the action. */
  private async next(s: KefuSession, task: KefuTask, st: KefuTaskState, input: string, io: KefuTaskIO, reason?: string): Promise<KefuReply> {
    const missing = this.missing(task, st);
    if (missing.length > 0) {
      if (st.awaiting !== missing[0]) {
        st.awaiting = missing[0];
        st.attempts = 0;
        st.choices = await this.choicesFor(s, task, st, io);
      }
      return this.say(s, task, st, 'collecting', `${reason ?? ''}${this.askText(task, st, io)}`, input, io);
    }
    st.awaiting = undefined;
    st.choices = undefined;
    if (task.confirm && st.status !== 'confirming') {
      st.status = 'confirming';
      return this.say(s, task, st, 'confirming', `${reason ?? ''}${io.fill(fillTemplate(task.confirm, st.slots, undefined))}`, input, io);
    }
    return this.run(s, task, st, input, io);
  }

  private askText(task: KefuTask, st: KefuTaskState, io: KefuTaskIO): string {
    const slot = task.slots![st.awaiting!];
    let text = io.fill(fillTemplate(slot.ask, st.slots, undefined));
    if (st.choices?.length) {
      const what = ENTITY_NAMES[slot.entity] ?? st.awaiting!;
      const list = st.choices.map((c, i) => `${i + 1}. ${c.value}${c.label ? ` ${c.label}` : ''}`).join('\n');
      text += `\n${TASK_MESSAGES.choices}\n${list}\n${TASK_MESSAGES.choicesHint.replace('{what}', what)}`;
    }
    return text;
  }

  private async choicesFor(s: KefuSession, task: KefuTask, st: KefuTaskState, io: KefuTaskIO): Promise<KefuChoice[] | undefined> {
    const provider = this.options.choices?.[task.slots![st.awaiting!].entity];
    if (!provider) return undefined;
    try {
      const list = await provider({ sessionId: s.id, session: structuredClone(s), variables: io.variables(), now: new Date(io.now()) });
      return Array.isArray(list) && list.length ? list.slice(0, 9).map((c) => ({ value: String(c.value), ...(c.label ? { label: String(c.label) } : {}) })) : undefined;
    } catch {
      return undefined; // no choices: the customer types the value
    }
  }

  /** Run the host's action under a timeout; the result decides the reply. */
  private async run(s: KefuSession, task: KefuTask, st: KefuTaskState, input: string, io: KefuTaskIO): Promise<KefuReply> {
    const action = this.options.actions![task.action];
    const timeoutMs = this.options.actionTimeoutMs ?? 10_000;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ctx: KefuActionContext = { sessionId: s.id, taskId: task.id, session: structuredClone(s), variables: io.variables(), signal: controller.signal, now: new Date(io.now()) };
    let result: unknown;
    try {
      result = await Promise.race([
        Promise.resolve().then(() => action({ ...st.slots }, ctx)),
        new Promise((_, reject) => {
          timer = setTimeout(() => {
            controller.abort(new Error(`action "${task.action}" did not settle within ${timeoutMs} ms`));
            reject(controller.signal.reason);
          }, timeoutMs);
        }),
      ]);
    } catch (err) {
      return this.failed(s, task, st, input, io, errorMessage(err));
    } finally {
      clearTimeout(timer);
    }
    const r = (result ?? {}) as Record<string, unknown>;
    if (r.refused) {
      const text = io.fill(fillTemplate(pick(task.refused ?? '{result.reason}', s), st.slots, r));
      const reply = this.finish(s, task, st, 'done', text, input, io, result, 'refused');
      if (task.next) s.task = { id: task.next, status: 'offered', slots: { ...st.slots }, attempts: 0, interruptions: 0 };
      return reply;
    }
    return this.finish(s, task, st, 'done', io.fill(fillTemplate(pick(task.answer, s), st.slots, r)), input, io, result);
  }

  private async failed(s: KefuSession, task: KefuTask, st: KefuTaskState, input: string, io: KefuTaskIO, error: string): Promise<KefuReply> {
    // The error goes to the host (the `task` event), not into the customer's reply.
    const info = this.info(task, st, 'failed');
    io.emit('task', { sessionId: s.id, task: { ...info, error } });
    if (task.onError && task.onError !== 'handoff') {
      s.task = undefined;
      return io.say({ sessionId: s.id, input, type: 'task', id: task.id, text: io.fill(fillTemplate(task.onError, st.slots, undefined)), task: info });
    }
    // The handoff event carries the task and its slots (session.task), for the agent.
    st.status = 'failed';
    const reply = await io.handoff();
    const text = `${TASK_MESSAGES.failed}${reply.text}`;
    const turn = s.turns.find((t) => t.id === reply.turnId);
    if (turn) turn.text = text;
    return { ...reply, text, task: info };
  }

  private finish(s: KefuSession, task: KefuTask, st: KefuTaskState, status: KefuTaskStatus, text: string, input: string, io: KefuTaskIO, result?: unknown, outcome?: 'refused'): KefuReply {
    s.task = undefined;
    const info: KefuTaskInfo = { ...this.info(task, st, status), ...(outcome ? { outcome } : {}) };
    io.emit('task', { sessionId: s.id, task: info });
    return io.say({ sessionId: s.id, input, type: 'task', id: task.id, text, task: info, ...(result !== undefined ? { result } : {}) });
  }

  private say(s: KefuSession, task: KefuTask, st: KefuTaskState, status: 'collecting' | 'confirming', text: string, input: string, io: KefuTaskIO): KefuReply {
    const info = this.info(task, st, status);
    io.emit('task', { sessionId: s.id, task: info });
    return io.say({ sessionId: s.id, input, type: 'task', id: task.id, text, task: info });
  }

  private missing(task: KefuTask, st: KefuTaskState): string[] {
    return Object.entries(task.slots ?? {}).filter(([k, slot]) => !slot.optional && st.slots[k] === undefined).map(([k]) => k);
  }

  private info(task: KefuTask, st: KefuTaskState, status: KefuTaskStatus): KefuTaskInfo {
    return { id: task.id, status, missing: this.missing(task, st), slots: { ...st.slots } };
  }

  /** Tasks the host gave no action for do not exist for this bot: the best other candidate decides. */
  private usable(m: KefuMatch): KefuMatch {
    // A task and the how-to FAQ it stands in for are one topic, not two readings: when the
    // close-second rule clarifies between them (meaning puts them close), the task answers.
    if (m.type === 'clarify' && m.id && this.owns(m.id) && m.candidates[1]?.id === this.tasks.get(m.id)!.faq && m.confidence >= this.matcher.thresholds.answer) {
      return { ...m, type: 'answer', id: m.id } as KefuMatch;
    }
    if (!m.id || !this.tasks.has(m.id) || this.owns(m.id)) return m;
    const candidates = m.candidates.filter((c) => !this.tasks.has(c.id) || this.owns(c.id));
    const best = candidates[0];
    if (!best) return { type: 'fallback', text: m.text, id: null, confidence: 0, candidates };
    const t = this.matcher.thresholds;
    const type = best.confidence >= t.answer ? 'answer' : best.confidence >= t.clarify ? 'clarify' : 'fallback';
    return { type, text: m.text, id: best.id, confidence: best.confidence, candidates } as KefuMatch;
  }

  /** Task texts may use slots, {result.…} and the bot's declared variables; anything else is a mistake. */
  private checkVariables(declared: string[] | undefined): void {
    if (!declared) return;
    for (const t of this.tasks.values()) {
      const slots = Object.keys(t.slots ?? {});
      const texts = [t.answer, t.refused ?? [], t.confirm ?? [], ...Object.values(t.slots ?? {}).map((x) => x.ask), t.onError && t.onError !== 'handoff' ? t.onError : []].flat();
      for (const text of texts) {
        for (const [, name] of text.matchAll(/\{([\w.]+)\}/g)) {
          if (name === 'result' || name.startsWith('result.') || slots.includes(name) || declared.includes(name)) continue;
          throw new KefuError('undeclared-variable', `kefu: task "${t.id}" uses {${name}}, which is neither one of its slots (${slots.join(', ') || 'none'}), {result.…} nor a declared variable`);
        }
      }
    }
  }
}

/** One of a template's variants, rotating with the conversation like FAQ answers do. */
function pick(t: string | string[], s: KefuSession): string {
  return Array.isArray(t) ? t[(s.nextTurn - 1) % t.length] : t;
}
