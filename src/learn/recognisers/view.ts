/**
 * The text recognisers read: the customer's text folded character for character (same
 * length, so every span maps straight back onto the original) — full-width forms to ASCII,
 * the ideographic space to a space, and runs of Chinese digit words (一三八…) to digits, so
 * `１３８１２３４５６７８` and `一三八一二三四五六七八` read like `13812345678`.
 */

const CN_DIGIT: Record<string, string> = { 零: '0', 〇: '0', '○': '0', 洞: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };
// Seven digit words in a row is a phone read aloud, not prose; three next to real digits
// finish a mixed number (138 一二三四 5678). 洞 (zero, radio style) only inside such runs.
const CN_RUN_LONG = /[零〇○一幺二两三四五六七八九洞]{7,}/g;
const CN_RUN_NEXT_TO_DIGITS = /(?<=\d[ -]?)[零〇○一幺二两三四五六七八九洞]{3,}|[零〇○一幺二两三四五六七八九洞]{3,}(?=[ -]?\d)/g;

function foldCnDigits(run: string): string {
  let out = '';
  for (const ch of run) out += CN_DIGIT[ch] ?? ch;
  return out;
}

/** Same length as `text`; see the module comment. */
export function recogniserView(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else if (c === 0x2014 || c === 0x2013 || c === 0x2012 || c === 0x2212) out += '-';
    else if (c === 0x3002 && /\d/.test(text[i - 1] ?? '') && /\d/.test(text[i + 1] ?? '')) out += '.';
    else out += text[i];
  }
  out = out.replace(CN_RUN_LONG, foldCnDigits);
  return out.replace(CN_RUN_NEXT_TO_DIGITS, foldCnDigits);
}
