/**
 * Buying intent: 有货吗, 怎么下单, 我要买两件, 多少钱. Cues are phrases, on normalized
 * compact text; the products named (the KB's `entities.products`) and a count go with the event.
 */
import type { KefuEntity } from '../entities/extract.js';

const CUES = /有货吗|有没有货|还有货|现货|怎么(下单|买|购买)|如何(下单|购买)|在哪(里)?(买|下单)|我(要|想|打算)(买|下单|入手|订)|想入手|能买吗|可以买吗|(买|要|来|订)[0-9一二两三四五六七八九十]+(件|个|双|条|台|盒|瓶|份|套|只)|多少钱|怎么卖|什么价|价格多少|马上(买|下单)|加购|拍下|buy|order now|in stock|how much/g;

/** Saying one will buy (not asking about it). */
const DIRECT = /^(?:我(要|想|打算)(买|下单|入手|订)|(买|要|来|订)[0-9一二两三四五六七八九十]+|马上|拍下|加购|buy|order now)/;

/** Asking a price says little on its own (比特币多少钱 is not about the shop): it counts with a KB product named. */
const PRICE_ONLY = /^(多少钱|怎么卖|什么价|价格多少|how much)$/;

export function detectPurchaseIntent(normalized: string, entities: KefuEntity[]): { products: string[]; cues: string[]; count?: number; direct: boolean } | undefined {
  const compact = normalized.replace(/ (?=[^a-z])|(?<=[^a-z]) /g, '');
  const cues = [...new Set(compact.match(CUES) ?? [])];
  if (cues.length === 0) return undefined;
  const products = [...new Set(entities.filter((e) => e.type === 'product').map((e) => e.value))];
  if (products.length === 0 && cues.every((c) => PRICE_ONLY.test(c))) return undefined;
  const count = entities.find((e) => e.type === 'count')?.number;
  return { products, cues, ...(count !== undefined ? { count } : {}), direct: cues.some((c) => DIRECT.test(c)) };
}
