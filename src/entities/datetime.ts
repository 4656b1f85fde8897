/**
 * Dates and times in Chinese customer messages, resolved against a reference date the caller
 * passes in (never the clock, so results are reproducible): 今天, 明天, 后天, 下周一, 这周五,
 * 3月5号, 三月五日, 2025-03-05, 三天后; 上午, 下午3点, 晚上八点半, 10:30.
 *
 * Rules (documented in README "Tasks"): a weekday alone (周五) is the next such day, today
 * included; 下周X is that day of next week (weeks start on Monday); a month and day without a
 * year (3月5号) is in the reference year. Dates are calendar dates in the reference date's
 * local time zone, written YYYY-MM-DD; times are HH:MM (24 h) or a part of the day.
 */
import { CN_NUMBER, parseChineseNumber } from './numbers.js';

export interface DateTimeHit {
  type: 'date' | 'time';
  value: string;
  start: number;
  end: number;
}

const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 末: 6 };
const RELATIVE_DAY: Record<string, number> = { 大前天: -3, 前天: -2, 昨天: -1, 昨日: -1, 今天: 0, 今日: 0, 今晚: 0, 明天: 1, 明日: 1, 明早: 1, 明晚: 1, 后天: 2, 大后天: 3 };
/** Parts of the day, and the hour offset they give to a 1–12 clock time. */
const PERIOD: Record<string, { name: string; pm: boolean }> = {
  凌晨: { name: 'early-morning', pm: false }, 早上: { name: 'morning', pm: false }, 早晨: { name: 'morning', pm: false }, 上午: { name: 'morning', pm: false },
  中午: { name: 'noon', pm: true }, 下午: { name: 'afternoon', pm: true }, 傍晚: { name: 'evening', pm: true }, 晚上: { name: 'evening', pm: true }, 今晚: { name: 'evening', pm: true }, 明晚: { name: 'evening', pm: true }, 夜里: { name: 'night', pm: true }, 明早: { name: 'morning', pm: false },
};

const N = CN_NUMBER;
const DATE_RE = new RegExp(
  [
    `(?<ymd>(?<y>\\d{4})[-/.年](?<m>\\d{1,2})[-/.月](?<d>\\d{1,2})[日号]?)`,
    `(?<md>(?<m2>${N})月(?<d2>${N})[日号]?)`,
    `(?<nextMonth>(?<which>下个?月|这个?月|本月)(?<d3>${N})[日号])`,
    `(?<week>(?<wp>下下|下|上|这|本)?(?:个)?(?:周|星期|礼拜)(?<wd>[一二三四五六日天末1-7]))`,
    `(?<rel>大前天|前天|昨天|昨日|今天|今日|今晚|明天|明日|明早|明晚|大后天|后天)`,
    `(?<after>(?<n>${N})(?:天|日)(?:以后|之后|后))`,
  ].join('|'),
  'g',
);
const TIME_RE = new RegExp(
  `(?<period>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|今晚|明晚|明早|夜里)?(?:(?<h>${N})(?:点|點|时)(?:(?<half>半)|(?<min>${N})分?)?|(?<hh>\\d{1,2}):(?<mm>\\d{2}))?`,
  'g',
);

function ymd(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function addDays(ref: Date, n: number): Date {
  return new Date(ref.getFullYear(), ref.getMonth(), ref.getDate() + n);
}

function validDate(y: number, m: number, d: number): Date | undefined {
  const date = new Date(y, m - 1, d);
  return date.getMonth() === m - 1 && date.getDate() === d ? date : undefined;
}

/** Dates and times found in `text` (already NFKC + simplified), resolved against `ref`. */
export function findDateTimes(text: string, ref: Date): DateTimeHit[] {
  const hits: DateTimeHit[] = [];
  for (const m of text.matchAll(DATE_RE)) {
    const g = m.groups!;
    let date: Date | undefined;
    if (g.ymd) date = validDate(Number(g.y), Number(g.m), Number(g.d));
    else if (g.md) {
      const mo = parseChineseNumber(g.m2);
      const d = parseChineseNumber(g.d2);
      if (mo !== undefined && d !== undefined) date = validDate(ref.getFullYear(), mo, d);
    } else if (g.nextMonth) {
      const d = parseChineseNumber(g.d3);
      const offset = g.which.startsWith('下') ? 1 : 0;
      if (d !== undefined) date = validDate(new Date(ref.getFullYear(), ref.getMonth() + offset, 1).getFullYear(), ((ref.getMonth() + offset) % 12) + 1, d);
    } else if (g.week) {
      const wd = /\d/.test(g.wd) ? Number(g.wd) : WEEKDAY[g.wd];
      const today = ref.getDay() === 0 ? 7 : ref.getDay();
      if (g.wp === undefined) date = addDays(ref, (wd - today + 7) % 7);
      else {
        const weeks = { 下下: 2, 下: 1, 上: -1, 这: 0, 本: 0 }[g.wp] ?? 0;
        date = addDays(ref, weeks * 7 + wd - today);
      }
    } else if (g.rel) date = addDays(ref, RELATIVE_DAY[g.rel]);
    else if (g.after) {
      const n = parseChineseNumber(g.n);
      if (n !== undefined && n <= 366) date = addDays(ref, n);
    }
    if (date) hits.push({ type: 'date', value: ymd(date), start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(TIME_RE)) {
    if (m[0].length === 0) continue;
    const g = m.groups!;
    const period = g.period ? PERIOD[g.period] : undefined;
    let value: string | undefined;
    if (g.h !== undefined || g.hh !== undefined) {
      let h = g.hh !== undefined ? Number(g.hh) : parseChineseNumber(g.h);
      const min = g.half ? 30 : g.mm !== undefined ? Number(g.mm) : g.min !== undefined ? parseChineseNumber(g.min) : 0;
      if (h === undefined || min === undefined || h > 24 || min > 59) continue;
      if (period?.pm && h < 12 && !(g.period === '中午' && h >= 11)) h += 12;
      if (period?.name === 'early-morning' && h === 12) h = 0;
      value = `${String(h % 24).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
    } else if (period) value = period.name;
    if (!value) continue;
    // 今晚/明晚/明早 are a date and a time at once: both hits cover the same text.
    hits.push({ type: 'time', value, start: m.index, end: m.index + m[0].length });
  }
  return hits;
}
