/**
 * Follow-up questions: 怎么退货 → 那运费呢. A short message right after an FAQ answer is also
 * matched as "<that FAQ's topic> <message>" (the topic is its first keyword, else its question:
 * 退货 → "退货 那运费呢"); the contextual reading wins when it points to
 * another FAQ (or task) with a higher confidence than the message alone — so 那运费呢 after
 * 怎么退货 is about return shipping, while a complete new question keeps its own reading.
 * Switch off with the KB's `followUps: false` or createBot({ followUps: false }).
 */
import type { KefuSession } from '../bot/session.js';
import type { KefuMatch, KefuMatcher } from '../match/matcher.js';

/** Up to this many characters (without spaces), or opening with a word that points back. */
const SHORT = 10;
const POINTS_BACK = /^(那|那么|还有|另外|这个|那个|如果|要是|然后|再问下|顺便问下)/;
/** How much better the contextual reading must be, so a tie keeps the message's own. */
const MARGIN = 0.05;

export async function followUpMatch(matcher: KefuMatcher, s: KefuSession, normalized: string, alone: KefuMatch, matchUsable: (text: string) => Promise<KefuMatch>): Promise<KefuMatch> {
  if (!s.lastFaqId) return alone;
  // Only right after that answer: the last bot turn answered with it.
  const lastBot = [...s.turns].reverse().find((t) => t.role === 'bot');
  if (!lastBot || lastBot.faqId !== s.lastFaqId || lastBot.type !== 'answer') return alone;
  const compact = normalized.replace(/ /g, '');
  if (compact.length === 0 || (compact.length > SHORT && !POINTS_BACK.test(compact))) return alone;
  if (alone.type === 'answer' && alone.confidence >= 0.9) return alone;
  const topic = matcher.faq(s.lastFaqId);
  if (!topic) return alone;
  const inContext = await matchUsable(`${topic.keywords?.[0] ?? topic.question} ${alone.text}`);
  const pulledBack = inContext.candidates.some((c) => c.id === s.lastFaqId) && (inContext.id === s.lastFaqId || inContext.type === 'clarify');
  const settled = alone.type !== 'answer' && pulledBack ? settledByTopic(alone, inContext, s.lastFaqId) : undefined;
  if (settled) return settled;
  if (!inContext.id || inContext.id === s.lastFaqId || inContext.type === 'fallback') return alone;
  if (inContext.confidence < alone.confidence + MARGIN && alone.type !== 'fallback') return alone;
  if (alone.type === 'answer' && inContext.type !== 'answer') return alone;
  return { ...inContext, text: alone.text };
}

/**
 * The topic's words can pull the contextual reading back to the FAQ just answered (怎么开发票 +
 * 那电子的呢 reads as 怎么开发票 again, or as a tie with it), though the customer already has that
 * answer. What the message alone could not settle is then settled by the topic: its first
 * choice that the contextual reading also offers besides the FAQ just answered (电子发票 among
 * 电子发票 / 安全隐患 / 发错货). Undefined when they share none.
 */
function settledByTopic(alone: KefuMatch, inContext: KefuMatch, lastFaqId: string): KefuMatch | undefined {
  const related = new Set(inContext.candidates.map((c) => c.id).filter((id) => id !== lastFaqId));
  const pick = alone.candidates.find((c) => related.has(c.id));
  return pick && { ...alone, type: 'answer', id: pick.id, confidence: pick.confidence };
}
