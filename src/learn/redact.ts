/**
 * Personal data out before anything is stored: every span the recognisers find (phones,
 * ID and passport numbers, cards, emails, WeChat / QQ ids, names, dates of birth, plates,
 * addresses, order and tracking numbers) becomes a placeholder such as 【手机号】, so a
 * learning queue in git or Redis holds no customer data.
 */
import { findPersonalData, type PersonalDataKind } from './recognisers/index.js';

export type RedactionKind = PersonalDataKind;

export const REDACTION_LABELS: Record<RedactionKind, string> = {
  email: '【邮箱】',
  'id-card': '【身份证号】',
  passport: '【护照号】',
  'bank-card': '【银行卡号】',
  mobile: '【手机号】',
  landline: '【电话】',
  wechat: '【微信号】',
  qq: '【QQ号】',
  name: '【姓名】',
  'birth-date': '【出生日期】',
  'licence-plate': '【车牌号】',
  address: '【地址】',
  'order-number': '【单号】',
  'tracking-number': '【单号】',
};

export interface Redaction {
  text: string;
  /** What was removed, by kind, in order of first appearance (never the values themselves). */
  found: RedactionKind[];
}

/**
 * Replace personal data with placeholders.
 * @example
 * redact('我的手机13812345678，单号SF1234567890').text // '我的手机【手机号】，单号【单号】'
 * redact('我叫王小明，寄到阳光花园小区12栋3单元402').text // '我叫【姓名】，寄到【地址】'
 */
export function redact(input: string): Redaction {
  const found = new Set<RedactionKind>();
  let text = '';
  let at = 0;
  for (const s of findPersonalData(input)) {
    text += input.slice(at, s.start) + REDACTION_LABELS[s.kind];
    found.add(s.kind);
    at = s.end;
  }
  return { text: text + input.slice(at), found: [...found] };
}
