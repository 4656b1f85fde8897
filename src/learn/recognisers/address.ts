/**
 * Addresses of the shapes customers type: a road and house number (文三路398号,
 * 中山北路二十八号, 祖冲之路 2288 号), an estate with building units (阳光花园小区12栋3单元402),
 * a village group (李庄村3组), or the units alone (1单元1001室); any province / city /
 * district in front is taken along. Road names may not hold function words, so 不知道快递11号
 * or 给我弄5号的 are never a road.
 */
import { spans, type Recogniser } from './types.js';

const NUM = String.raw`(?:\d{1,5}|[一二三四五六七八九十百零〇两]{1,6})`;
// Han characters that do not occur in place names but do in the words around them.
const STOP = '我你您他她它给帮把被吗呢吧了的是没不就都还也请问能到去从往寄送住在哪啥么怎这那个和跟与及或以已经想要会可';
const NAME = (n: string, not = '') => String.raw`(?:(?![${STOP}${not}])\p{Script=Han}){${n}}`;
// An admin name never holds an admin suffix, so a chain like 省市区… splits one way only.
const ADMIN = String.raw`(?:${NAME('1,7', '省市区县旗镇乡盟州')}(?:省|自治区|特别行政区|市|自治州|地区|盟|区|县|旗|镇|乡|街道))`;
const UNIT = String.raw`(?:${NUM}|[A-Za-z])\s?(?:号楼|栋|幢|座|单元|层|楼|室|号|户|组)`;
const ROOM = String.raw`(?:-?\d{2,5}(?!\d)(?:室|房|号)?)`;
const TAIL = String.raw`(?:\s?${UNIT})*${ROOM}?`;
const ROAD = String.raw`${NAME('1,8')}(?:大街|大道|路|街|巷|弄|胡同|道)(?:${NUM}段)?\s?${NUM}\s?(?:号|弄|支弄)${TAIL}`;
const ESTATE = String.raw`${NAME('1,10')}(?:小区|花园|公寓|大厦|广场|新村|家园|社区|苑|公馆|大院|宿舍|庄园|园区|花苑|府|城|里)\s?(?:${NUM}|[A-Za-z])\s?(?:号楼|栋|幢|座|单元|室)${TAIL}`;
const VILLAGE = String.raw`${NAME('1,6')}村\s?${NUM}\s?(?:组|队|社|号)${TAIL}`;
const UNITS_ONLY = String.raw`(?<![\d\p{Script=Han}])(?:${NUM}\s?(?:号楼|栋|幢)\s?)?${NUM}\s?单元\s?\d{2,5}\s?(?:室|号)?|(?<!\d)\d{3,5}室`;
const ADDRESS = new RegExp(String.raw`(?:${ADMIN}\s?){0,6}(?:${ROAD}|${ESTATE}|${VILLAGE})|${UNITS_ONLY}`, 'gu');

// Words that end in a road suffix but are not roads.
const NOT_A_ROAD = /(?:知道|味道|渠道|频道|通道|难道|一道|报道|轨道|管道|顺道|地道|说道|问道|霸道|思路|线路|电路|网路|套路|出路|一路|走路|逛街|上街|一条街)\s?(?:\d|[一二三四五六七八九十])/u;

// Lead-in words a match may have taken along in front.
const LEAD_IN = /^(?:收货地址|详细地址|新地址|地址|改成|改为|换成|寄往|发往)+/u;

export const address: Recogniser = {
  kind: 'address',
  find: (v) =>
    spans(v, ADDRESS, 'address', (m) => {
      if (NOT_A_ROAD.test(m[0])) return undefined;
      const lead = m[0].match(LEAD_IN)?.[0].length ?? 0;
      return { start: m.index + lead, end: m.index + m[0].length, score: 2 };
    }),
};
