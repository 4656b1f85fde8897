/**
 * Recognisers for who the customer is and how to reach them: emails (also `(at)`, `＠`,
 * `点` and internationalised ones like 李雷@例子.中国), WeChat and QQ ids after their
 * context word, names after 我叫 / 我是 / 本人 / 收件人…, and licence plates.
 */
import { group, spans, type Recogniser } from './types.js';

const HAN_TLD = '中国|公司|网络|中文网|在线|网址|商城|集团|移动|我爱你|政务|公益|信息';
const AT = String.raw`(?:@|\s?[(\[{<]\s?at\s?[)\]}>]\s?|\s+at\s+|\s?艾特\s?|\s?圈a\s?)`;
const DOT = String.raw`(?:\.|\s?[(\[{<]\s?dot\s?[)\]}>]\s?|\s+dot\s+|\s?点\s?)`;
const LABEL = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?|\p{Script=Han}{1,10})`;
const TLD = String.raw`(?:[A-Za-z]{2,12}(?![A-Za-z])|${HAN_TLD})`;
const EMAIL = new RegExp(String.raw`(?<local>[A-Za-z0-9._%+\-]{1,64}|\p{Script=Han}{1,8})${AT}(?:${LABEL}${DOT}){1,4}${TLD}`, 'gdu');
// Words a Han local part (邮箱李雷@…) may have picked up in front of the name.
const EMAIL_LEAD_IN = /^(?:.*?(?:邮箱|邮件|邮址|email|发到|发给|寄到|联系|是|为|:|：))+/iu;

const WECHAT = /(?:微信|威信|薇信|v信|vx|wx|weixin|wechat)\s?(?:号码|号|id)?(?:是|为|:|：|\s)*(?<id>[A-Za-z][\w\-]{5,19}|\d{5,11})(?![\w\-])/dgi;
const QQ = /(?:qq|扣扣|企鹅)(?:号|号码)?(?:是|为|:|：|\s)*(?<id>[1-9]\d{4,11})(?!\d)/dgi;

// The 120 commonest surnames cover about 90% of people; compound ones first.
const SURNAMES =
  '欧阳|司马|诸葛|上官|东方|慕容|令狐|皇甫|尉迟|公孙|长孙|宇文|司徒|夏侯|端木|' +
  '[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝]';
// Characters that end a name: what follows 我是王小明 is punctuation, a digit or one of these.
const NAME_END = String.raw`(?=$|[\s\p{P}\p{S}\dA-Za-z]|的|想|要|在|我|电话|手机|号码|订单|今天|昨天|刚|已|买|下单|请|问|有|身份证|地址|住|现在|家|来|，|需要|之前|上次|咨询|申请|这边|那边|先|能|可以|会员|客户|用户)`;
const GIVEN = String.raw`(?:先生|女士|小姐|老师|师傅|\p{Script=Han}{1,2})`;
const STRONG = /(?:我叫|我的名字是|我名字叫|名字叫|名字是|姓名|收件人|收货人|联系人|寄件人|持卡人|户主|购买人|下单人|my name is)(?:改成|改为|换成|写成|是|为|:|：|\s)*/iu;
const WEAK = /(?:我是|本人是?|i am|i'm)\s*/iu;
const NAME_STRONG = new RegExp(String.raw`${STRONG.source}(?<name>(?:${SURNAMES})${GIVEN})${NAME_END}`, 'gdiu');
const NAME_WEAK = new RegExp(String.raw`${WEAK.source}(?<name>(?:${SURNAMES})${GIVEN})${NAME_END}`, 'gdiu');
// After 我是 / 本人 a surname character often starts an ordinary word (我是周末买的, 我是江苏的).
const NOT_A_NAME = /^(?:周[末一二三四五六日]|高[级端价]|黄金|王者|白[色金银]|金[色卡牌额]|方[便法式]|马上|于是|何时|常[客用]|安[徽卓装]|江[苏西]|湖[南北]|广[东西州]|山[东西]|河[南北]|吉林|福[建州]|贵[州阳]|云南|海南|宁[夏波]|甘肃|青[海岛]|新[疆手]|西[安藏]|重庆|天津|上海|北京|南京|武汉|成都|杭州|苏州|深圳|长[沙春]|温州|台[湾州]|香港|澳门|内蒙|黑龙|辽宁|陕西|四川|浙江|第[一二三四五六七八九十\d]|单[身独]|和[你他她]|全[款新国部]|明[天年早晚]|時|时[候间]|今天|老[客顾用板]|常常|连[续锁]|毕业|学生|华为|小米|苹果|应[该届]|关[于注]|包[邮装]|成[人年]|龙[年头]|贾|程序|章节|项目|管理|司机|党员|师[傅范]|景[区点]|宫|石家|古[代典]|冷|和)/u;

export const email: Recogniser = {
  kind: 'email',
  find: (v) =>
    spans(v, EMAIL, 'email', (m) => {
      const local = m.groups!.local;
      const lead = /\p{Script=Han}/u.test(local) ? (local.match(EMAIL_LEAD_IN)?.[0].length ?? 0) : 0;
      if (lead >= local.length) return undefined;
      const plainAt = m[0].includes('@');
      // "at"/"dot" spelled out is only an email when it looks like one: a known TLD shape.
      if (!plainAt && !/(?:com|cn|net|org|edu|gov|io|me|co|info|中国)$/i.test(m[0])) return undefined;
      return { start: m.index + lead, end: m.index + m[0].length, score: 2 };
    }),
};

export const wechat: Recogniser = { kind: 'wechat', find: (v) => spans(v, WECHAT, 'wechat', (m) => ({ ...group(m, 'id')!, score: 2 })) };

export const qq: Recogniser = { kind: 'qq', find: (v) => spans(v, QQ, 'qq', (m) => ({ ...group(m, 'id')!, score: 2 })) };

export const personName: Recogniser = {
  kind: 'name',
  find: (v) => [
    ...spans(v, NAME_STRONG, 'name', (m) => ({ ...group(m, 'name')!, score: 2 })),
    ...spans(v, NAME_WEAK, 'name', (m) => (NOT_A_NAME.test(m.groups!.name) ? undefined : { ...group(m, 'name')!, score: 2 })),
  ],
};

// Province abbreviation, issuing-office letter, 5 characters (6 for new-energy plates).
const PLATE = /(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Za-hj-np-z][·•・\s\-]?(?=[A-Za-z0-9]{0,5}\d)[A-HJ-NP-Za-hj-np-z0-9]{4,5}[A-HJ-NP-Za-hj-np-z0-9挂学警港澳领]?(?![A-Za-z0-9])/gu;

export const licencePlate: Recogniser = { kind: 'licence-plate', find: (v) => spans(v, PLATE, 'licence-plate', (m) => ({ start: m.index, end: m.index + m[0].length, score: 2 })) };
