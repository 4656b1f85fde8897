import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { normalize, isCjk, toSimplified } from '../../src/text/normalize';
import { cpuMs } from '../helpers';

describe('normalize', () => {
  it('folds full-width to half-width', () => {
    expect(normalize('ＡＢＣ１２３')).toBe('abc123');
    expect(normalize('ｉＰｈｏｎｅ　１５')).toBe('iphone 15');
  });

  it('folds case', () => {
    expect(normalize('Hello WORLD')).toBe('hello world');
    expect(normalize('ÄÖÜ ΣΑΣ')).toBe('äöü σας');
  });

  it('converts traditional to simplified', () => {
    expect(normalize('這件衣服可以退貨嗎')).toBe('这件衣服可以退货吗');
    expect(normalize('請問發票怎麼開')).toBe('请问发票怎么开');
    expect(normalize('為什麼還沒發貨')).toBe('为什么还没发货');
    expect(normalize('運費險')).toBe('运费险');
    expect(normalize('後來 頭髮 乾燥 一隻')).toBe('后来 头发 干燥 一只');
    // Taiwan / Hong Kong variants
    expect(normalize('裡面')).toBe('里面');
    expect(normalize('等著出貨')).toBe('等着出货');
    expect(normalize('臺灣')).toBe('台湾');
    expect(normalize('溫度')).toBe('温度');
    // simplified text is left alone
    expect(normalize('什么时候发货')).toBe('什么时候发货');
    expect(normalize('这里才有')).toBe('这里才有');
    expect(normalize('东西打坏了')).toBe('东西打坏了');
  });

  it('applies opencc phrase exceptions around contested characters', () => {
    expect(normalize('客服都沒有回覆')).toBe('客服都没有回复');
    expect(normalize('覆蓋')).toBe('覆盖');
    expect(normalize('我想瞭解一下')).toBe('我想了解一下');
    expect(normalize('項鍊斷了')).toBe('项链断了');
    expect(normalize('計畫取消')).toBe('计划取消');
    expect(normalize('不要找藉口')).toBe('不要找借口');
    expect(normalize('著名品牌')).toBe('著名品牌');
    expect(normalize('效果顯著')).toBe('效果显著');
    expect(normalize('显著')).toBe('显著');
    expect(normalize('看著辦')).toBe('看着办');
    expect(normalize('乾隆 乾燥')).toBe('乾隆 干燥');
  });

  it('collapses punctuation, whitespace, symbols and emoji', () => {
    expect(normalize('你好，请问：怎么退货？！')).toBe('你好 请问 怎么退货');
    expect(normalize('【限时】《说明书》“包邮”（顺丰）…… —— ~ · ；、')).toBe('限时 说明书 包邮 顺丰');
    expect(normalize('  hello,\t\n world!!  ')).toBe('hello world');
    expect(normalize('谢谢😀👍🏽 好评❤️')).toBe('谢谢 好评');
    expect(normalize('🇨🇳中国👨‍👩‍👧')).toBe('中国');
    expect(normalize('价格¥99/件 #活动# @客服')).toBe('价格 99 件 活动 客服');
    expect(normalize('!!!')).toBe('');
    expect(normalize('')).toBe('');
  });

  it('removes zero-width characters without splitting words', () => {
    expect(normalize('退\u200b货')).toBe('退货');
    expect(normalize('\ufeffab\u200dc\u00ad')).toBe('abc');
  });

  it('keeps dots inside numbers and versions', () => {
    expect(normalize('iOS 15.5 更新')).toBe('ios 15.5 更新');
    expect(normalize('版本1.2.3。')).toBe('版本1.2.3');
    expect(normalize('end. next')).toBe('end next');
    expect(normalize('满100.减20')).toBe('满100 减20');
  });

  it('handles mixed Chinese and English', () => {
    expect(normalize('iPhone 15 Pro怎麼退貨？')).toBe('iphone 15 pro怎么退货');
  });

  it('is idempotent on arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => normalize(normalize(s)) === normalize(s)),
      { numRuns: 20000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => normalize(normalize(s)) === normalize(s)),
      { numRuns: 5000 },
    );
    const alphabet = fc.constantFrom(
      ...Array.from('這件衣服退貨Aa1.。，😀\u200b\u0301\u0308ΣİẞﬀⅫ①ｶﾞ\u1100\u1161 著名顯乾隆坤回覆反瞭解藉口沈默鍊項𫫇噁'),
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), (a) => {
        const s = a.join('');
        return normalize(normalize(s)) === normalize(s);
      }),
      { numRuns: 20000 },
    );
  });
});

describe('isCjk', () => {
  it('recognizes CJK ideographs', () => {
    expect(isCjk('中')).toBe(true);
    expect(isCjk('㐀')).toBe(true); // Ext A
    expect(isCjk('𠀀')).toBe(true); // Ext B
    expect(isCjk('a')).toBe(false);
    expect(isCjk('，')).toBe(false);
    expect(isCjk('あ')).toBe(false);
    expect(isCjk('')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Per-character t2s table vs the full opencc-js converter
// ---------------------------------------------------------------------------------------------

const SIMPLIFIED = [
  '这件衣服可以退货吗', '请问发票怎么开', '为什么还没发货', '运费险怎么理赔', '后来客服没有回复我',
  '头发干燥用什么洗发水', '一只袜子丢了', '我想申请退款', '退款多久到账', '订单显示已签收但我没收到',
  '快递什么时候到', '可以改地址吗', '我要换货', '尺码不合适能换吗', '商品有质量问题怎么办',
  '七天无理由退货包括运费吗', '优惠券怎么用', '积分可以抵现金吗', '会员有什么权益', '怎么联系人工客服',
  '我的账号被冻结了', '忘记密码怎么办', '如何修改绑定手机号', '支付失败但是钱被扣了', '可以用信用卡分期吗',
  '花呗分期手续费多少', '发票抬头写错了能重开吗', '电子发票在哪里下载', '增值税专用发票怎么申请', '公司报销需要纸质发票',
  '包裹被退回了怎么办', '物流信息一直不更新', '快递员态度很差我要投诉', '可以指定顺丰发货吗', '偏远地区包邮吗',
  '海外可以发货吗', '预售商品什么时候发货', '定金可以退吗', '尾款什么时候付', '活动价格什么时候结束',
  '买贵了可以退差价吗', '价格保护多少天', '赠品没有收到', '少发了一件', '发错颜色了',
  '包装破损里面的东西坏了', '收到的是二手货', '怀疑是假货', '有没有正品保证', '保修期多久',
  '电池不耐用可以保修吗', '屏幕有坏点', '手机开不了机', '耳机只有一边有声音', '充电器发热正常吗',
  '洗衣机安装要收费吗', '空调什么时候上门安装', '上门取件要钱吗', '退货地址是哪里', '退货需要自己出运费吗',
  '我已经寄回了请查收', '退货单号怎么填', '审核要多久', '为什么拒绝我的退款申请', '我要升级投诉',
  '你们的营业时间是几点', '周末有客服吗', '机器人听不懂我说话', '转人工', '我要找你们经理',
  '衣服洗了一次就掉色', '鞋子穿了两天就开胶了', '裤子太长了能改吗', '这款有没有大码', '身高一米七穿多大',
  '体重六十公斤选什么尺码', '面料是纯棉的吗', '可以机洗吗', '会不会起球', '冬天穿冷不冷',
  '奶粉的保质期到什么时候', '生鲜坏了怎么赔', '水果有烂的', '冷链配送吗', '蛋糕可以预约送达时间吗',
  '外卖送错了', '骑手超时了', '餐品洒了', '可以开发票吗', '满减怎么计算',
  '银行卡还款失败', '信用卡账单怎么还', '借款额度怎么提高', '逾期了会影响征信吗', '利息怎么算',
  '提前还款有违约金吗', '贷款审批要多久', '为什么额度被降了', '还款日可以修改吗', '自动扣款失败了',
  '重新发货要多久', '重量超过了要加钱吗', '长时间不发货可以取消订单吗', '行李箱轮子坏了', '店长在吗',
  '请尽快处理谢谢', '麻烦帮我查一下', '好的明白了', '还有别的办法吗', '算了不要了',
  '系统一直提示错误', '验证码收不到', '页面打不开', '应用闪退', '更新后无法登录',
  '怎么注销账号', '隐私政策在哪里看', '个人信息会泄露吗', '怎么关闭推送通知', '如何取消自动续费',
  '会员到期后数据会删除吗', '试用期可以退款吗', '团购券过期了', '门店地址在哪', '营业执照可以提供吗',
  '批发价是多少', '起订量多少', '可以定制logo吗', '样品收费吗', '发货周期多长',
  '我在台湾可以买吗', '香港有门市吗', '邮费怎么算', '关税谁来付', '报关资料需要什么',
  '乾隆年间的瓷器', '著名品牌的专卖店', '理发店的会员卡', '皇后区的仓库', '游戏里面的道具',
  '我们一起干杯吧', '天干物燥小心火烛', '面条和面粉', '这只猫很可爱', '只有一次机会',
  '丰富的经验', '松树和放松', '制造和制作', '周末和周到', '复杂和复习',
  '一台电脑', '天台和台风', '系统和联系', '范围和范例', '出发和头发',
  '后面和皇后', '里程和里面', '斗争和北斗', '云朵和说云', '恶心和可恶',
  '获得和收获', '历史和日历', '钟表和钟情', '冲突和冲洗', '准备和标准',
];

const NATIVE_TRADITIONAL = [
  '這件衣服可以退貨嗎', '請問發票怎麼開', '為什麼還沒發貨', '運費險怎麼理賠', '後來客服都沒有回覆',
  '頭髮很乾燥', '一隻襪子不見了', '我想申請退款', '退款多久會到帳', '訂單顯示已簽收但我沒收到',
  '請問什麼時候出貨', '可以幫我改地址嗎', '尺寸不合可以換嗎', '商品有瑕疵該怎麼處理', '七天鑑賞期可以退貨嗎',
  '折價券要怎麼使用', '點數可以折抵嗎', '會員有什麼優惠', '怎麼聯絡真人客服', '我的帳號被鎖住了',
  '忘記密碼怎麼辦', '如何修改綁定的手機號碼', '付款失敗但是錢被扣了', '可以刷卡分期嗎', '發票抬頭打錯了能重開嗎',
  '電子發票在哪裡下載', '公司報帳需要紙本發票', '包裹被退回了怎麼辦', '物流資訊一直沒有更新', '可以寄到離島嗎',
  '海外可以寄送嗎', '預購商品什麼時候出貨', '訂金可以退嗎', '買貴了可以退差價嗎', '贈品沒有收到',
  '少寄了一件', '寄錯顏色了', '包裝破損裡面的東西壞了', '懷疑是仿冒品', '保固期多久',
  '電池不耐用可以保固嗎', '螢幕有壞點', '手機開不了機', '耳機只有一邊有聲音', '洗衣機安裝要收費嗎',
  '冷氣什麼時候來安裝', '到府收件要錢嗎', '退貨地址在哪裡', '我已經寄回了請查收', '審核要多久',
  '為什麼拒絕我的退款申請', '你們的營業時間是幾點', '週末有客服嗎', '機器人聽不懂我說的話', '轉真人',
  '衣服洗了一次就褪色', '鞋子穿了兩天就開膠了', '褲子太長了能修改嗎', '這款有沒有大尺碼', '我等著你們回覆',
  '著急要用', '我在臺灣可以買嗎', '香港有門市嗎', '運費怎麼算', '關稅由誰支付',
  '銀行卡還款失敗', '信用卡帳單怎麼繳', '逾期會影響信用嗎', '提前還款有違約金嗎', '為什麼額度被調降',
  '重新出貨要多久', '請盡快處理謝謝', '麻煩幫我查一下', '還有別的辦法嗎', '系統一直顯示錯誤',
  '驗證碼收不到', '頁面打不開', '應用程式閃退', '更新後無法登入', '怎麼註銷帳號',
  '個資會外洩嗎', '如何取消自動續訂', '團購券過期了', '門市地址在哪裡', '批發價是多少',
  '溫度太高了', '衞生紙', '説明書不見了', '綫材壞了', '粧前乳',
];

describe('t2s table vs opencc-js', () => {
  it('agrees with the full opencc-js converter on mixed sentences', () => {
    const tw2cn = OpenCC.Converter({ from: 'tw', to: 'cn' });
    const hk2cn = OpenCC.Converter({ from: 'hk', to: 'cn' });
    const cn2tw = OpenCC.Converter({ from: 'cn', to: 'tw' });
    const cn2hk = OpenCC.Converter({ from: 'cn', to: 'hk' });

    // [input, what opencc-js says]
    const cases: Array<[string, string]> = [];
    for (const s of SIMPLIFIED) cases.push([s, tw2cn(s)]);
    for (const s of SIMPLIFIED) {
      const t = cn2tw(s);
      cases.push([t, tw2cn(t)]);
    }
    for (const s of SIMPLIFIED) {
      const h = cn2hk(s);
      cases.push([h, hk2cn(h)]);
    }
    for (const s of NATIVE_TRADITIONAL) cases.push([s, s.includes('衞') || s.includes('説') || s.includes('綫') || s.includes('粧') ? hk2cn(s) : tw2cn(s)]);

    const diffs: string[] = [];
    let chars = 0;
    let charDiffs = 0;
    for (const [input, expected] of cases) {
      const got = toSimplified(input);
      const a = [...got];
      const b = [...expected];
      chars += b.length;
      if (got !== expected) {
        diffs.push(`${input}: table=${got} opencc=${expected}`);
        for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) charDiffs++;
      }
    }
    const agreement = 1 - diffs.length / cases.length;
    console.log(
      `t2s per-char table vs opencc-js: ${cases.length - diffs.length}/${cases.length} sentences identical ` +
        `(${(agreement * 100).toFixed(1)}%), ${chars - charDiffs}/${chars} chars (${(100 - (charDiffs / chars) * 100).toFixed(2)}%)\n` +
        diffs.map((d) => '  ' + d).join('\n'),
    );
    expect(agreement).toBeGreaterThan(0.97);
  });
});

// ---------------------------------------------------------------------------------------------
// Micro-benchmark
// ---------------------------------------------------------------------------------------------

describe('performance', () => {
  it('normalizes 10,000 sentences quickly', () => {
    const sentences: string[] = [];
    const pool = [...SIMPLIFIED, ...NATIVE_TRADITIONAL, 'iPhone 15 Pro怎麼退貨？', '你好，请问：怎么退货？！😀'];
    for (let i = 0; i < 10000; i++) sentences.push(pool[i % pool.length]! + (i % 7 === 0 ? ` #${i}` : ''));
    normalize('预热'); // table load
    for (let i = 0; i < 2000; i++) normalize(sentences[i]!);
    const t0 = cpuMs();
    let total = 0;
    for (const s of sentences) total += normalize(s).length;
    const us = ((cpuMs() - t0) * 1000) / sentences.length;
    console.log(`normalize: ${us.toFixed(2)} µs/call (CPU) over ${sentences.length} sentences (${total} chars out)`);
    expect(us).toBeLessThan(50);
  });
});
