/**
 * Recognisers for numbers that identify a person: phones, ID cards, passports, bank cards,
 * order and tracking numbers, dates of birth. Context words decide what an ambiguous digit
 * run is: 卡号 makes 16 digits a card even when Luhn fails; 条形码 or a valid EAN-13 with a
 * Chinese prefix keeps a barcode; dates and model numbers (short groups) never join a run.
 */
import { after, before, digitsOf, group, spans, type PersonalDataSpan, type Recogniser } from './types.js';

// A digit run is groups of ≥3 digits joined by one space, dash or dot, so 2024-11-11 or
// 12.5 never become one, while 138 1234 5678 and 6222-0202-0000-0005 do.
const NOT_AFTER = String.raw`(?<![\dA-Za-z]|\d[.,])`;
const NOT_BEFORE = String.raw`(?![\dA-Za-z])`;

const MOBILE = new RegExp(String.raw`${NOT_AFTER}(?:(?:\+|00)?86[ \-]?)?1[ \-.]?[3-9](?:[ \-.]?\d){9}${NOT_BEFORE}`, 'g');
const LANDLINE = new RegExp(String.raw`${NOT_AFTER}(?:\(0\d{2,3}\)|0\d{2,3})[ \-]?[1-9]\d{2,3}[ \-]?\d{4}(?:[ ]?(?:转|-|ext\.?|x|#|分机)[ ]?\d{1,6})?${NOT_BEFORE}`, 'gi');
const LOCAL_PHONE = /(?:座机|固话|电话|办公电话|家里电话|tel)(?:号码?)?(?:是|为)?[:：\s]*(?<n>[2-9]\d{2,3}[ \-]?\d{4}(?:[ ]?(?:转|ext\.?|分机)[ ]?\d{1,6})?)(?![\dA-Za-z])/dgi;
const ID_CARD = new RegExp(String.raw`${NOT_AFTER}\d(?:[ \-]?\d){16}[ \-]?[\dXx]${NOT_BEFORE}`, 'g');
const ID_CARD_OLD = new RegExp(String.raw`${NOT_AFTER}\d{15}${NOT_BEFORE}`, 'g');
const CARD = new RegExp(String.raw`${NOT_AFTER}\d{4,6}(?:[ \-]?\d{3,6}){2,4}${NOT_BEFORE}`, 'g');
const PASSPORT = /(?<![A-Za-z\d])[A-Za-z]{1,2} ?\d{7,8}(?![A-Za-z\d])/g;
const DIGIT_RUN = new RegExp(String.raw`${NOT_AFTER}\d{3,}(?:[ \-.]\d{3,})*${NOT_BEFORE}`, 'g');
const LETTERS_DIGITS = /(?<![A-Za-z\d])[A-Za-z]{1,4}[ \-]?\d{3,}(?:[ \-]?\d{3,})*(?![A-Za-z\d])/g;
const AFTER_ORDER_WORD = /(?:订单|单号|运单|快递单|物流单|工单|售后单|退款单|退货单|流水号|交易号|order(?:\s*(?:no\.?|number|id))?)(?:号|编号|号码)?(?:是|为)?[:：\s]*#?\s*(?<n>[A-Za-z]{0,4}[\- ]?\d(?:[\d\-]|[ ](?=\d)){3,40})(?![A-Za-z\d])/dgi;
const AFTER_TRACKING_WORD = /(?:快递|运单|物流|包裹|tracking)\s?(?:单号|号码|号|number|no\.?)?(?:是|为)?[:：\s]*(?<n>[A-Za-z0-9]{10,30})(?![A-Za-z0-9])/dgi;
const HASH_NUMBER = /(?<![\w#])#\s?(?<n>\d{5,20})(?!\d)/dg;

const PHONE_WORDS = /座机|固话|电话|tel|phone|分机|办公室|联系/i;
const ID_WORDS = /身份证|证件|身份号|idcard|id\s*no/i;
const CARD_WORDS = /卡|银行|card|visa|master|银联|账户|账号/i;
const PASSPORT_WORDS = /护照|passport|通行证|签证|证件/i;
const TRACKING_WORDS = /快递|运单|物流|包裹|顺丰|圆通|中通|申通|韵达|邮政|ems|京东物流|极兔|德邦|tracking|单号.{0,3}(?:查|到|物流)/i;
const ORDER_WORDS = /订单|单号|order|流水|交易号|工单/i;
const BARCODE_WORDS = /条码|条形码|barcode|ean|商品码|国际码|isbn|书号/i;
const BARCODE_PREFIX = /^(?:ean|upc|isbn|gtin|sku|issn)/i;
const COURIER_PREFIX = /^(?:SF|YT|ZTO|STO|YD|JD|JDV|EMS|JT|DPK|YUNDA|DB|BEST|HTKY|UC|TT|LP|CN)/i;
const BIRTH_BEFORE = /出生|生日|生于|诞生|dob|birth|born|我叫|本人|姓名|名字/i;
const BIRTH_AFTER = /^(?:年?出生|生(?![产鲜活意效])|的生日)/;
const DATE = /(?<!\d)(?:(?:19|20)\d{2}[年\-/.] ?(?:0?[1-9]|1[0-2])[月\-/.] ?(?:0?[1-9]|[12]\d|3[01])[日号]?|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|\d{2}年\d{1,2}月\d{1,2}[日号]|[一二三四五六七八九零〇]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}[日号])(?!\d)/g;

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** GS1 check digit (EAN-8/13, UPC-A, GTIN-14). */
export function validGtin(digits: string): boolean {
  if (![8, 12, 13, 14].includes(digits.length)) return false;
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(digits.length - 1) - 48;
}

function plausibleBirth(yyyymmdd: string): boolean {
  const y = +yyyymmdd.slice(0, 4);
  const m = +yyyymmdd.slice(4, 6);
  const d = +yyyymmdd.slice(6, 8);
  return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

const whole = (m: RegExpExecArray) => ({ start: m.index, end: m.index + m[0].length });

export const mobile: Recogniser = { kind: 'mobile', find: (v) => spans(v, MOBILE, 'mobile') };

export const landline: Recogniser = {
  kind: 'landline',
  find: (v) => [
    ...spans(v, LANDLINE, 'landline', (m) => (/^(?:400|800)/.test(digitsOf(m[0])) ? undefined : { ...whole(m), score: PHONE_WORDS.test(before(v, m.index)) ? 2 : 1 })),
    ...spans(v, LOCAL_PHONE, 'landline', (m) => ({ ...group(m, 'n')!, score: 2 })),
  ],
};

export const idCard: Recogniser = {
  kind: 'id-card',
  find: (v) => [
    ...spans(v, ID_CARD, 'id-card', (m) => {
      const context = ID_WORDS.test(before(v, m.index));
      if (!context && !plausibleBirth(digitsOf(m[0]).slice(6, 14))) return undefined;
      return { ...whole(m), score: context ? 2 : 1 };
    }),
    ...spans(v, ID_CARD_OLD, 'id-card', (m) => (ID_WORDS.test(before(v, m.index)) ? { ...whole(m), score: 2 } : undefined)),
  ],
};

export const passport: Recogniser = {
  kind: 'passport',
  find: (v) =>
    spans(v, PASSPORT, 'passport', (m) => {
      if (PASSPORT_WORDS.test(before(v, m.index))) return { ...whole(m), score: 2 };
      return /^[EeGg]\d{8}$/.test(m[0]) ? whole(m) : undefined;
    }),
};

export const bankCard: Recogniser = {
  kind: 'bank-card',
  find: (v) =>
    spans(v, CARD, 'bank-card', (m) => {
      const digits = digitsOf(m[0]);
      if (digits.length < 15 || digits.length > 19) return undefined;
      const context = CARD_WORDS.test(before(v, m.index)) && !ID_WORDS.test(before(v, m.index, 6));
      if (context) return { ...whole(m), score: 2 };
      return luhn(digits) ? whole(m) : undefined;
    }),
};

function orderKind(v: string, start: number, text: string): 'order-number' | 'tracking-number' {
  const ctx = before(v, start, 14);
  const tracking = ctx.search(TRACKING_WORDS);
  const order = ctx.search(/订单|order/i);
  if (tracking >= 0 && tracking >= order) return 'tracking-number';
  return COURIER_PREFIX.test(text) && order < 0 ? 'tracking-number' : 'order-number';
}

/** Order numbers and tracking numbers: the context decides which (both leave as 【单号】). */
export const orderOrTracking: Recogniser = {
  kind: 'order-number',
  find: (v) => {
    const out: PersonalDataSpan[] = [];
    const push = (start: number, end: number, score: 1 | 2) => out.push({ kind: orderKind(v, start, v.slice(start, end)), start, end, score });
    for (const s of spans(v, AFTER_ORDER_WORD, 'order-number', (m) => group(m, 'n'))) {
      const text = v.slice(s.start, s.end);
      if (digitsOf(text).length >= 5 && !/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/.test(text)) push(s.start, s.end, 2);
    }
    for (const s of spans(v, AFTER_TRACKING_WORD, 'tracking-number', (m) => group(m, 'n'))) {
      if (digitsOf(v.slice(s.start, s.end)).length >= 8) out.push({ ...s, score: 2 });
    }
    for (const s of spans(v, HASH_NUMBER, 'order-number', (m) => group(m, 'n'))) push(s.start - (v[s.start - 1] === ' ' ? 2 : 1), s.end, ORDER_WORDS.test(before(v, s.start)) ? 2 : 1);
    for (const s of spans(v, LETTERS_DIGITS, 'order-number')) {
      const text = v.slice(s.start, s.end);
      if (digitsOf(text).length >= 8 && !BARCODE_PREFIX.test(text)) push(s.start, s.end, 1);
    }
    for (const s of spans(v, DIGIT_RUN, 'order-number')) {
      const digits = digitsOf(v.slice(s.start, s.end));
      if (digits.length < 10 || digits.length > 30) continue;
      const ctx = before(v, s.start, 14);
      const context = ORDER_WORDS.test(ctx) || TRACKING_WORDS.test(ctx);
      if (!context && digits.length === 10 && /^(?:400|800)/.test(digits)) continue; // a shop's service line
      if (!context && validGtin(digits) && (BARCODE_WORDS.test(ctx) || /^(?:69|97[89])/.test(digits))) continue; // a product barcode
      if (BARCODE_WORDS.test(ctx) && !context) continue;
      push(s.start, s.end, context ? 2 : 1);
    }
    return out;
  },
};

export const birthDate: Recogniser = {
  kind: 'birth-date',
  find: (v) =>
    spans(v, DATE, 'birth-date', (m) => {
      const end = m.index + m[0].length;
      return BIRTH_BEFORE.test(before(v, m.index, 16)) || BIRTH_AFTER.test(after(v, end, 4)) ? { ...whole(m), score: 2 } : undefined;
    }),
};
