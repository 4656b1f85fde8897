/**
 * Personal-data recognisers: one small recogniser per kind, in one list, shared by
 * redaction (`redact`) and anything else that needs to find these entities in a question.
 * @example
 * findPersonalData('我叫王小明，手机13812345678')
 * // [{ kind: 'name', start: 2, end: 5, score: 2 }, { kind: 'mobile', start: 8, end: 19, score: 1 }]
 */
import { address } from './address.js';
import { email, licencePlate, personName, qq, wechat } from './contact.js';
import { bankCard, birthDate, idCard, landline, mobile, orderOrTracking, passport } from './numbers.js';
import type { PersonalDataSpan, Recogniser } from './types.js';
import { recogniserView } from './view.js';

export type { PersonalDataKind, PersonalDataSpan, Recogniser } from './types.js';
export { recogniserView } from './view.js';
export { luhn, validGtin } from './numbers.js';

/** Earlier entries win ties (same score and length): the more specific kinds come first. */
export const RECOGNISERS: readonly Recogniser[] = [email, wechat, qq, idCard, passport, bankCard, mobile, landline, birthDate, licencePlate, personName, address, orderOrTracking];

/**
 * Every piece of personal data in `text`, left to right, never overlapping. Where two
 * recognisers claim the same characters the one with context wins, then the longer.
 */
export function findPersonalData(text: string, recognisers: readonly Recogniser[] = RECOGNISERS): PersonalDataSpan[] {
  const view = recogniserView(text);
  const all: (PersonalDataSpan & { rank: number })[] = [];
  recognisers.forEach((r, rank) => {
    for (const s of r.find(view)) all.push({ ...s, rank });
  });
  all.sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.rank - b.rank || a.start - b.start);
  const kept: PersonalDataSpan[] = [];
  for (const s of all) {
    if (kept.some((k) => s.start < k.end && k.start < s.end)) continue;
    kept.push({ kind: s.kind, start: s.start, end: s.end, score: s.score });
  }
  return kept.sort((a, b) => a.start - b.start);
}
