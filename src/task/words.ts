/**
 * Short replies with a fixed meaning during a task, on compact normalized text (no spaces,
 * simplified, lower-case): cancelling, yes/no to a confirmation, picking choice N.
 */
const CANCEL = /^(?:算了|不用了|不用|取消|不要了|不查了|不办了|不改了|不退了|先不用了|先不了|不需要了|没事了|cancel|nevermind|forget it)(?:吧|啦|了|谢谢|哈)*$/;
const YES = /^(?:是|是的|对|对的|好|好的|可以|行|嗯|嗯嗯|确认|确定|没问题|要|需要|ok|okay|yes|y|确认取消|确认修改|对的确认)(?:吧|啊|呀|的|了)*$/;
const NO = /^(?:不|不是|否|不对|不要|不行|不用|不确认|不取消|再想想|no|n)(?:了|吧|啊)*$/;
const CHOICE = /^(?:第)?([1-9一二三四五六七八九])(?:个|条|项|单|笔)?(?:订单)?$/;

const compact = (normalized: string) => normalized.replace(/ /g, '');

export const isCancel = (n: string) => CANCEL.test(compact(n));
export const isYes = (n: string) => YES.test(compact(n));
export const isNo = (n: string) => NO.test(compact(n));

/** "2", "第二个" → 1 (zero-based), else undefined. */
export function choiceIndex(n: string): number | undefined {
  const m = CHOICE.exec(compact(n));
  if (!m) return undefined;
  const k = '123456789'.indexOf(m[1]);
  return k >= 0 ? k : '一二三四五六七八九'.indexOf(m[1]);
}
