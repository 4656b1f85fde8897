/**
 * Conversation-level detectors that run before matching: requests for a human, negative
 * emotion, small talk. They read normalized text (simplified, lower-case, half-width), so
 * 轉人工 and ＨＵＭＡＮ are caught like 转人工 and human.
 */
import { normalize } from '../text/normalize.js';
import { pinyinSyllables, toPinyin } from '../text/pinyin.js';

const HUMAN_REQUEST = [
  '转人工', '人工客服', '人工服务', '找人工', '要人工', '我要人工', '真人客服', '找客服', '活人', '转接客服', '客服小姐姐',
];
const HUMAN_REQUEST_EN = /\b(human|agent|real person|operator|representative|customer service)\b/;

/** Words with an intensity 1 (annoyed) … 3 (furious/threatening). */
const EMOTION_LEXICON: [string, number][] = [
  ['投诉', 2], ['骗子', 3], ['骗人', 3], ['垃圾', 3], ['气死', 3], ['差评', 2], ['315', 3], ['报警', 3], ['律师', 3], ['起诉', 3], ['消协', 3],
  ['坑人', 2], ['无语', 1], ['太慢了', 1], ['什么破', 2], ['恶心', 2], ['滚', 3], ['曝光', 3], ['黑心', 3], ['忍无可忍', 3], ['退钱', 1], ['烦死', 2],
  ['scam', 3], ['fraud', 3], ['terrible', 2], ['worst', 2], ['angry', 2], ['ridiculous', 2], ['useless', 2], ['complain', 2], ['lawyer', 3],
];

export interface EmotionReading {
  /** 0 calm … 1 furious. */
  intensity: number;
  /** What gave it away. */
  cues: string[];
}

/** Requests by sound, so homophone typos (转人功, 找真仁) and typed pinyin (zhuanrengong) count too. */
const HUMAN_REQUEST_PINYIN = /(zhuan|zhao|yao|jie|huan)(ge|yi ge|xia|gei)? ?(ren gong|zhen ren|huo ren|ke fu)|ren gong ke fu/;

/** The normalized text asks for a human. `normalized`: normalize(text), when the caller has it already. */
export function asksForHuman(text: string, normalized?: string): boolean {
  const n = normalized ?? normalize(text);
  const compact = n.replace(/ /g, '');
  if (compact === '人工' || compact === '真人') return true;
  // Only short messages: "人工客服的工资多少" is a question, not a request.
  if (compact.length <= 12 && HUMAN_REQUEST.some((w) => compact.includes(w))) return true;
  if (/(转|找|要|接|换)(个|一个|下|给)?(人工|真人|活人|客服)/.test(compact)) return true;
  if (compact.length <= 20) {
    const py = /^[a-z]+$/.test(compact) ? pinyinSyllables(compact) : toPinyin(compact);
    if (py && HUMAN_REQUEST_PINYIN.test(py.join(' '))) return true;
  }
  return n.length <= 40 && HUMAN_REQUEST_EN.test(n);
}

/** Negative emotion from a lexicon with intensities, plus repeated !!! / ??? in the raw text. */
export function readEmotion(text: string, normalized?: string): EmotionReading {
  const compact = (normalized ?? normalize(text)).replace(/ /g, '');
  const cues: string[] = [];
  let score = 0;
  for (const [w, v] of EMOTION_LEXICON) {
    if (compact.includes(w)) {
      cues.push(w);
      score += v;
    }
  }
  const marks = text.match(/[!！?？]{3,}/g);
  if (marks) {
    cues.push(marks[0]);
    score += 1;
  }
  return { intensity: Math.min(1, score / 4), cues };
}

export type SmallTalkKind = 'greeting' | 'thanks' | 'goodbye' | 'bot-identity';

const SMALL_TALK: [SmallTalkKind, RegExp][] = [
  ['greeting', /^(你好|您好|hi|hello|hey|在吗|在不在|哈喽|嗨|早上好|下午好|晚上好|有人吗)(呀|啊|吗|呢)?$/],
  ['thanks', /^(谢谢|多谢|感谢|thanks|thank you|thx|辛苦了|好的谢谢|谢了)(你|您|啦|了)?$/],
  ['goodbye', /^(再见|拜拜|bye|goodbye|没事了|没有了|好的再见)(啦|了)?$/],
  ['bot-identity', /(你是(机器人|真人|人工|ai|谁)|are you (a )?(bot|robot|human))/],
];

export const DEFAULT_SMALL_TALK: Record<SmallTalkKind, string> = {
  greeting: '您好，我是{shopName}的智能客服，请问有什么可以帮您？',
  thanks: '不客气，很高兴能帮到您！',
  goodbye: '感谢您的咨询，祝您生活愉快，再见！',
  'bot-identity': '我是{shopName}的智能客服机器人，解决不了的问题可以随时说“转人工”。',
};

export function detectSmallTalk(text: string, normalized?: string): SmallTalkKind | undefined {
  const n = (normalized ?? normalize(text)).replace(/ (?=[^a-z])|(?<=[^a-z]) /g, '');
  for (const [kind, re] of SMALL_TALK) if (re.test(n)) return kind;
  return undefined;
}
