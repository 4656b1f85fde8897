/**
 * Built-in entity extraction for Chinese and mixed Chinese/English customer messages: the
 * values tasks fill their slots with. Runs on the analysed text (NFKC, so full-width digits and
 * letters are folded; traditional characters converted to simplified), keeping letter case so
 * order numbers come back as written (upper-cased). Browser-safe.
 *
 * Types: order-number, tracking-number, mobile, phone (landline), email, address (these from the
 * redaction recognisers, src/learn/recognisers/, shared), date, time, amount (yuan), count, size,
 * color, product, plus the KB's own types (`entities.custom`).
 */
import { toSimplified } from '../text/normalize.js';
import { findDateTimes } from './datetime.js';
import { CN_NUMBER, parseChineseNumber } from './numbers.js';
import { findIdentifiers, tokenPattern } from './recognisers.js';

interface KefuRecogniser {
  type: string;
  pattern: RegExp;
  value: (match: string) => string | undefined;
}

export type KefuBuiltinEntityType =
  | 'order-number' | 'tracking-number' | 'mobile' | 'phone' | 'email' | 'address' | 'date' | 'time' | 'amount' | 'count' | 'size' | 'color' | 'product';

export interface KefuEntity {
  /** A built-in type or one of the KB's `entities.custom` names. */
  type: KefuBuiltinEntityType | (string & {});
  /** Canonical value: digits only for phones, upper-case ids, YYYY-MM-DD, HH:MM or a part of the day, yuan as a decimal string. */
  value: string;
  /** For amounts and counts, the number. */
  number?: number;
  /** The text it was read from (in the analysed text). */
  text: string;
  start: number;
  end: number;
}

/** A KB's `entities` settings (all optional). */
export interface KefuEntitySettings {
  /** Regular expression (source) for this shop's order numbers; replaces the default. */
  orderNumber?: string;
  /** Regular expression (source) for tracking numbers; replaces the default. */
  trackingNumber?: string;
  sizes?: string[];
  colors?: string[];
  /** Product names; a KB synonym group containing one adds its other terms as aliases. */
  products?: string[];
  /** Custom types: a list of values (or canonical value → aliases), or a pattern. */
  custom?: Record<string, { values?: string[] | Record<string, string[]>; pattern?: string }>;
}

export const DEFAULT_SIZES = ['XXXL', 'XXL', 'XL', 'XS', '2XL', '3XL', '4XL', '5XL', 'S', 'M', 'L', '均码', '加大码', '大码', '中码', '小码', '大号', '中号', '小号', '特大号'];
export const DEFAULT_COLORS = [
  '酒红色', '藏青色', '咖啡色', '卡其色', '天蓝色', '深蓝色', '浅蓝色', '宝蓝色', '军绿色', '墨绿色', '浅灰色', '深灰色', '玫红色', '香槟色', '玫瑰金',
  '红色', '黑色', '白色', '蓝色', '绿色', '黄色', '灰色', '粉色', '紫色', '棕色', '米色', '杏色', '橙色', '银色', '金色', '驼色', '米白色',
];

const SERVICE_NUMBER = /(?<![\dA-Za-z])[48]00[ -]?\d{3}[ -]?\d{4}(?![\dA-Za-z])/g;
const COUNT_RE = new RegExp(`(?<!第)(${CN_NUMBER})(件|个|双|条|台|盒|瓶|份|套|只|包|箱|支|本|张|袋|罐|对|顶|副|把|片|部|斤)`, 'g');
const AMOUNT_RES: RegExp[] = [
  /[¥￥]\s?(\d+(?:\.\d{1,2})?)/g,
  /(\d+(?:\.\d{1,2})?)\s?(?:rmb|RMB|CNY|cny)\b/g,
  new RegExp(`(${CN_NUMBER})(?:元|块钱|块|圆)(?:([零一二三四五六七八九\\d])(?:角|毛)?(?![零一二三四五六七八九十百千万\\d件个双条台盒瓶份套只包箱]))?`, 'g'),
  new RegExp(`(?<![\\d零一二三四五六七八九十百千万])(${CN_NUMBER})(?:毛|角)钱?`, 'g'),
];

interface Hit extends KefuEntity {
  rank: number;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Analyse text the way entity extraction reads it: NFKC, then traditional → simplified. */
export function entityText(text: string): string {
  return toSimplified(text.normalize('NFKC'));
}

/**
 * Extracts entities with the KB's settings. Build one per KB and reuse it.
 * @example
 * const x = new EntityExtractor({ products: ['连衣裙'] });
 * x.extract('明天下午能送到吗？单号ＳＯ２０２４１１１１００１', { now: new Date(2026, 10, 30) });
 * // [{ type: 'date', value: '2026-12-01', … }, { type: 'time', value: 'afternoon', … }, { type: 'order-number', value: 'SO20241111001', … }]
 */
export class EntityExtractor {
  private readonly customPatterns: KefuRecogniser[] = [];
  private readonly lists: { type: string; re: RegExp; canonical: Map<string, string> }[] = [];

  constructor(settings: KefuEntitySettings = {}, synonyms: readonly string[][] = []) {
    // A KB's own order/tracking number shapes come first; the shared recognisers find the rest.
    if (settings.orderNumber) this.customPatterns.push({ type: 'order-number', pattern: tokenPattern(settings.orderNumber), value: (m) => m.toUpperCase() });
    if (settings.trackingNumber) this.customPatterns.push({ type: 'tracking-number', pattern: tokenPattern(settings.trackingNumber), value: (m) => m.toUpperCase() });
    for (const [type, def] of Object.entries(settings.custom ?? {})) {
      if (def.pattern) this.customPatterns.push({ type, pattern: tokenPattern(def.pattern), value: (m) => m });
      if (def.values) {
        const entries = Array.isArray(def.values) ? def.values.map((v) => [v, [v]] as const) : Object.entries(def.values).map(([k, a]) => [k, [k, ...a]] as const);
        this.addList(type, entries);
      }
    }
    this.addList('size', (settings.sizes ?? DEFAULT_SIZES).map((s) => [s, [s]] as const), true);
    this.addList('color', (settings.colors ?? DEFAULT_COLORS).map((c) => [c, [c]] as const));
    const products = settings.products ?? [];
    this.addList('product', products.map((p) => {
      const group = synonyms.find((g) => g.some((t) => t.toLowerCase() === p.toLowerCase()));
      return [p, group ? [p, ...group] : [p]] as const;
    }));
  }

  private addList(type: string, entries: readonly (readonly [string, readonly string[]])[], sizes = false): void {
    const canonical = new Map<string, string>();
    for (const [value, aliases] of entries) for (const a of aliases) canonical.set(entityText(a).toLowerCase(), value);
    if (canonical.size === 0) return;
    // Latin edges need word boundaries (XL inside XXL, "s" inside "ss"); CJK edges do not.
    const body = [...canonical.keys()]
      .sort((a, b) => b.length - a.length)
      .map((t) => `${/^[a-z\d]/i.test(t) ? '(?<![A-Za-z\\d])' : ''}${escape(t)}${/[a-z]$/i.test(t) ? '(?![A-Za-z])' : ''}`)
      .join('|');
    const re = new RegExp(sizes ? `(?:${body})(?:码|号)?` : `(?:${body})`, 'gi');
    this.lists.push({ type, re, canonical });
  }

  /** Entities in `text`, in reading order. `now` resolves 明天 / 下周一 (default: the current date). */
  extract(text: string, options: { now?: Date } = {}): KefuEntity[] {
    const t = entityText(text);
    const now = options.now ?? new Date();
    const hits: Hit[] = [];
    let rank = 0;
    const add = (type: string, value: string | undefined, start: number, matched: string, number?: number) => {
      if (value !== undefined && value !== '') hits.push({ type, value, text: matched, start, end: start + matched.length, rank, ...(number !== undefined ? { number } : {}) });
    };
    for (const r of this.customPatterns) {
      for (const m of t.matchAll(r.pattern)) add(r.type, r.value(m[0]), m.index, m[0]);
      rank++;
    }
    for (const h of findIdentifiers(t)) add(h.type, h.value, h.start, t.slice(h.start, h.end));
    // Service numbers (400/800) are a shop's, not personal data, so redaction leaves them alone.
    for (const m of t.matchAll(SERVICE_NUMBER)) add('phone', m[0].replace(/\s/g, '-'), m.index, m[0]);
    rank++;
    for (const d of findDateTimes(t, now)) hits.push({ ...d, text: t.slice(d.start, d.end), rank });
    rank++;
    for (const re of AMOUNT_RES) {
      for (const m of t.matchAll(re)) {
        const yuan = parseChineseNumber(m[1]);
        if (yuan === undefined) continue;
        const jiao = m[2] !== undefined ? parseChineseNumber(m[2]) : 0;
        const n = /毛|角/.test(m[0]) && m[2] === undefined ? yuan / 10 : yuan + (jiao ?? 0) / 10;
        const amount = Math.round(n * 100) / 100;
        add('amount', String(amount), m.index, m[0], amount);
      }
    }
    rank++;
    for (const m of t.matchAll(COUNT_RE)) {
      const n = parseChineseNumber(m[1]);
      if (n !== undefined && Number.isInteger(n)) add('count', String(n), m.index, m[0], n);
    }
    rank++;
    for (const list of this.lists) {
      for (const m of t.matchAll(list.re)) {
        const core = m[0].replace(/[码号]$/, '');
        const key = list.canonical.has(m[0].toLowerCase()) ? m[0].toLowerCase() : core.toLowerCase();
        // A lone lower-case s/m/l is a letter, not a size, unless 码/号 follows.
        if (list.type === 'size' && /^[sml]$/.test(core) && core === m[0]) continue;
        add(list.type, list.canonical.get(key), m.index, m[0]);
      }
      rank++;
    }
    for (const m of t.matchAll(/(?<!\d)(3[4-9]|4[0-8])(?:\.5)?码/g)) add('size', m[0].replace('码', ''), m.index, m[0]);
    return resolveOverlaps(hits);
  }
}

/** Higher-ranked hits win overlapping spans; a date and a time may share one (今晚). */
function resolveOverlaps(hits: Hit[]): KefuEntity[] {
  const kept: Hit[] = [];
  const sorted = [...hits].sort((a, b) => a.rank - b.rank || b.end - b.start - (a.end - a.start) || a.start - b.start);
  for (const h of sorted) {
    const clash = kept.some((k) => h.start < k.end && k.start < h.end && !(k.type === 'date' && h.type === 'time'));
    if (!clash) kept.push(h);
  }
  return kept.sort((a, b) => a.start - b.start || a.rank - b.rank).map(({ rank: _rank, ...e }) => e);
}

/**
 * One-off extraction with default settings (for a KB's own settings, build an EntityExtractor).
 * @example
 * extractEntities('我要买两件，一共五十块', { now: new Date(2026, 10, 30) })
 * // [{ type: 'count', value: '2', number: 2, … }, { type: 'amount', value: '50', number: 50, … }]
 */
export function extractEntities(text: string, options: { now?: Date; settings?: KefuEntitySettings } = {}): KefuEntity[] {
  return new EntityExtractor(options.settings).extract(text, options);
}
