/**
 * Chinese numerals (五十, 一百二, 两千零五, 三块五) and mixed forms (3万, 1.5千) as numbers.
 * Browser-safe, no dependencies.
 */

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 幺: 1 };
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10_000, 亿: 100_000_000 };

/** A run of Chinese numeral characters (or digits with a Chinese unit), for use inside bigger patterns. */
export const CN_NUMBER = '(?:\\d+(?:\\.\\d+)?[十百千万]?|[零〇一二两三四五六七八九十百千万亿幺]+)';

/**
 * Parse a Chinese or Arabic numeral. Returns undefined for text that is not a number.
 * @example
 * parseChineseNumber('一百二') // 120 (colloquial: the trailing digit takes the next lower unit)
 * parseChineseNumber('两千零五') // 2005
 */
export function parseChineseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
  const mixed = /^(\d+(?:\.\d+)?)([十百千万亿])$/.exec(t);
  if (mixed) return Math.round(Number(mixed[1]) * UNIT[mixed[2]] * 100) / 100;
  if (![...t].every((c) => c in DIGIT || c in UNIT)) return undefined;
  // Digit strings without units read digit by digit: 一二三 → 123 (rare, but unambiguous).
  if (![...t].some((c) => c in UNIT)) return Number([...t].map((c) => DIGIT[c]).join(''));
  let total = 0; // finished 万/亿 sections
  let section = 0; // current section below 万
  let digit = -1; // pending digit, -1 when none
  let lastUnit = 0;
  for (const c of t) {
    if (c in DIGIT) {
      digit = DIGIT[c];
      if (digit === 0) lastUnit = 0; // 一千零五: after 零 a bare digit is units
      continue;
    }
    const u = UNIT[c];
    if (u >= 10_000) {
      section += digit > 0 ? digit : 0;
      total += (section || 1) * u;
      section = 0;
      digit = -1;
      lastUnit = u;
      continue;
    }
    section += (digit === -1 ? 1 : digit) * u; // 十二: a bare 十 is ten
    digit = -1;
    lastUnit = u;
  }
  // 一百二 = 120, 三千五 = 3500, 两万五 = 25000: a trailing digit takes the next lower unit.
  if (digit > 0) section += lastUnit >= 100 ? (digit * lastUnit) / 10 : digit;
  return total + section;
}
