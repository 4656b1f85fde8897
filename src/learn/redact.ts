/**
 * Personal data out before anything is stored: mobile numbers, ID-card numbers, bank-card
 * numbers (Luhn-checked), emails, order/tracking numbers and recognisable addresses become
 * placeholders such as 【手机号】, so a learning queue in git or Redis holds no customer data.
 */

export type RedactionKind = 'email' | 'id-card' | 'bank-card' | 'mobile' | 'order-number' | 'address';

export const REDACTION_LABELS: Record<RedactionKind, string> = {
  email: '【邮箱】',
  'id-card': '【身份证号】',
  'bank-card': '【银行卡号】',
  mobile: '【手机号】',
  'order-number': '【单号】',
  address: '【地址】',
};

export interface Redaction {
  text: string;
  /** What was removed, by kind (never the values themselves). */
  found: RedactionKind[];
}

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
// 18-digit ID (last may be X), not inside a longer digit run.
const ID_CARD = /(?<!\d)[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)/g;
const DIGIT_RUN = /(?<![\dA-Za-z])\d(?:[ -]?\d){12,18}(?![\dA-Za-z])/g;
const MOBILE = /(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)/g;
// Letters then digits (SF1234567890, SO20241111001, JD0012345678) or long digit runs left over.
const ORDER = /(?<![A-Za-z\d])(?:[A-Za-z]{1,4}\d{8,20}|\d{10,20})(?![A-Za-z\d])/g;
// A place name with a street number: …省/市/区/县 … 路/街/道/巷/村 … 号 (…栋/单元/室).
const ADDRESS = /[\u4e00-\u9fa5]{2,}(?:省|市|自治区)?[\u4e00-\u9fa5]{0,12}(?:区|县|镇|乡)?[\u4e00-\u9fa5\d]{0,16}(?:路|街|道|巷|村|弄|大道)[\u4e00-\u9fa5\d-]{0,12}?\d+号(?:[\u4e00-\u9fa5\d-]{0,12}(?:栋|幢|单元|室|楼))*/g;

function luhn(digits: string): boolean {
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

/**
 * Replace personal data with placeholders.
 * @example
 * redact('我的手机13812345678，单号SF1234567890').text // '我的手机【手机号】，单号【单号】'
 */
export function redact(input: string): Redaction {
  const found = new Set<RedactionKind>();
  const swap = (kind: RedactionKind) => () => {
    found.add(kind);
    return REDACTION_LABELS[kind];
  };
  let text = input.replace(EMAIL, swap('email'));
  text = text.replace(ID_CARD, swap('id-card'));
  text = text.replace(DIGIT_RUN, (m) => {
    const digits = m.replace(/[ -]/g, '');
    if (digits.length >= 15 && digits.length <= 19 && luhn(digits)) {
      found.add('bank-card');
      return REDACTION_LABELS['bank-card'];
    }
    return m;
  });
  text = text.replace(MOBILE, swap('mobile'));
  text = text.replace(ORDER, swap('order-number'));
  text = text.replace(ADDRESS, swap('address'));
  return { text, found: [...found] };
}
