/** What every recogniser returns; shared by redaction and entity extraction. */

export type PersonalDataKind =
  | 'email'
  | 'id-card'
  | 'passport'
  | 'bank-card'
  | 'mobile'
  | 'landline'
  | 'wechat'
  | 'qq'
  | 'name'
  | 'birth-date'
  | 'licence-plate'
  | 'address'
  | 'order-number'
  | 'tracking-number';

/** One piece of personal data: `text.slice(start, end)` of the original text. */
export interface PersonalDataSpan {
  kind: PersonalDataKind;
  start: number;
  end: number;
  /**
   * 2 when a context word confirmed it (卡号, 身份证, 快递…), 1 from its shape alone. When two
   * recognisers claim overlapping text the higher score, then the longer span, wins.
   */
  score: 1 | 2;
}

/** One kind of personal data. `find` reads the folded view (see `recogniserView`). */
export interface Recogniser {
  kind: PersonalDataKind;
  find(view: string): PersonalDataSpan[];
}

/** Every match of a global regex as spans; `pick` may narrow to a capture group or drop it. */
export function spans(
  view: string,
  re: RegExp,
  kind: PersonalDataKind,
  pick: (m: RegExpExecArray) => { start: number; end: number; score?: 1 | 2 } | undefined = (m) => ({ start: m.index, end: m.index + m[0].length }),
): PersonalDataSpan[] {
  const out: PersonalDataSpan[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(view); m; m = re.exec(view)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const s = pick(m);
    if (s && s.end > s.start) out.push({ kind, start: s.start, end: s.end, score: s.score ?? 1 });
  }
  return out;
}

/** The span of capture group `g` (needs the `d` flag). */
export function group(m: RegExpExecArray, g: number | string): { start: number; end: number } | undefined {
  const r = typeof g === 'number' ? m.indices?.[g] : m.indices?.groups?.[g];
  return r ? { start: r[0], end: r[1] } : undefined;
}

/** The `n` characters before `start` (context words sit there: 卡号…, 快递单号…). */
export function before(view: string, start: number, n = 12): string {
  return view.slice(Math.max(0, start - n), start);
}

export function after(view: string, end: number, n = 8): string {
  return view.slice(end, end + n);
}

export function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}
