import { describe, it, expect } from 'vitest';
import { charPinyin, charPinyinAll, toPinyin, pinyinSyllables, preloadPinyin } from '../../src/text/pinyin';
import { normalize } from '../../src/text/normalize';
import { cpuMs } from '../helpers';

describe('table', () => {
  it('parses quickly', () => {
    const c0 = cpuMs();
    const ms = preloadPinyin();
    const cpu = cpuMs() - c0;
    console.log(`pinyin table parse: ${ms.toFixed(2)} ms wall, ${cpu.toFixed(2)} ms CPU`);
    expect(cpu).toBeLessThan(100); // target < 20 ms; generous for slow CI
  });
});

describe('charPinyin', () => {
  it('gives toneless default readings', () => {
    expect(charPinyin('中')).toBe('zhong');
    expect(charPinyin('退')).toBe('tui');
    expect(charPinyin('女')).toBe('nv');
    expect(charPinyin('略')).toBe('lve');
    expect(charPinyin('还')).toBe('hai');
    expect(charPinyin('還')).toBe('hai');
    expect(charPinyin('了')).toBe('le');
    expect(charPinyin('行')).toBe('xing');
    expect(charPinyin('〇')).toBe('ling');
  });

  it('returns undefined for non-CJK', () => {
    expect(charPinyin('a')).toBeUndefined();
    expect(charPinyin('1')).toBeUndefined();
    expect(charPinyin('，')).toBeUndefined();
    expect(charPinyin('')).toBeUndefined();
    expect(charPinyin('😀')).toBeUndefined();
  });

  it('lists all readings of heteronyms', () => {
    expect(charPinyinAll('还')).toEqual(['hai', 'huan']);
    expect(charPinyinAll('行')).toEqual(expect.arrayContaining(['xing', 'hang']));
    expect(charPinyinAll('行')[0]).toBe('xing');
    expect(charPinyinAll('长')).toEqual(['chang', 'zhang']);
    expect(charPinyinAll('重')).toEqual(['zhong', 'chong']);
    expect(charPinyinAll('的')).toEqual(['de', 'di']);
    expect(charPinyinAll('发')).toEqual(['fa']);
    expect(charPinyinAll('x')).toEqual([]);
  });
});

describe('toPinyin', () => {
  it('maps homophone variants to the same pinyin', () => {
    expect(toPinyin('微粒贷').join(' ')).toBe('wei li dai');
    expect(toPinyin('微利贷').join(' ')).toBe('wei li dai');
    expect(toPinyin('薇粒贷').join(' ')).toBe('wei li dai');
  });

  it('skips non-CJK characters', () => {
    expect(toPinyin('iPhone 15 怎么退货？')).toEqual(['zen', 'me', 'tui', 'huo']);
    expect(toPinyin('')).toEqual([]);
  });

  it('agrees on traditional and normalized text', () => {
    const t = '這件衣服可以退貨嗎還有發票';
    expect(toPinyin(t)).toEqual(toPinyin(normalize(t)));
  });

  it('uses word readings for common heteronym words', () => {
    expect(toPinyin('我要还款').join(' ')).toBe('wo yao huan kuan');
    expect(toPinyin('还有吗').join(' ')).toBe('hai you ma');
    expect(toPinyin('银行卡').join(' ')).toBe('yin hang ka');
    expect(toPinyin('重新发货').join(' ')).toBe('chong xin fa huo');
    expect(toPinyin('重量').join(' ')).toBe('zhong liang');
    expect(toPinyin('便宜点').join(' ')).toBe('pian yi dian');
    expect(toPinyin('为了解决').join(' ')).toBe('wei le jie jue');
    expect(toPinyin('了解一下').join(' ')).toBe('liao jie yi xia');
  });
});

describe('pinyinSyllables', () => {
  it('splits valid pinyin', () => {
    expect(pinyinSyllables('tuihuo')).toEqual(['tui', 'huo']);
    expect(pinyinSyllables('zenmetuihuo')).toEqual(['zen', 'me', 'tui', 'huo']);
    expect(pinyinSyllables('fapiao')).toEqual(['fa', 'piao']);
    expect(pinyinSyllables("xi'an")).toEqual(['xi', 'an']);
    expect(pinyinSyllables('xian')).toEqual(['xian']);
    expect(pinyinSyllables('nv')).toEqual(['nv']);
    expect(pinyinSyllables('nü')).toEqual(['nv']);
    expect(pinyinSyllables('lvse')).toEqual(['lv', 'se']);
    expect(pinyinSyllables('TuiHuo')).toEqual(['tui', 'huo']);
    expect(pinyinSyllables('zhuangxiu')).toEqual(['zhuang', 'xiu']);
    expect(pinyinSyllables('weilidai')).toEqual(['wei', 'li', 'dai']);
  });

  it('prefers the longest first syllable and backtracks when that fails', () => {
    expect(pinyinSyllables('fangan')).toEqual(['fang', 'an']); // longest first
    expect(pinyinSyllables('tiane')).toEqual(['tian', 'e']);
    expect(pinyinSyllables('zhangui')).toEqual(['zhan', 'gui']); // zhang + ui fails
    expect(pinyinSyllables('kanguo')).toEqual(['kan', 'guo']); // kang + uo fails
    expect(pinyinSyllables('jingu')).toEqual(['jin', 'gu']); // jing + u fails
  });

  it('accepts space-separated input word by word', () => {
    expect(pinyinSyllables('zen me tuihuo')).toEqual(['zen', 'me', 'tui', 'huo']);
    expect(pinyinSyllables('  fa piao ')).toEqual(['fa', 'piao']);
  });

  it('rejects non-pinyin', () => {
    expect(pinyinSyllables('iphone')).toBeNull();
    expect(pinyinSyllables('refund')).toBeNull();
    expect(pinyinSyllables('hello')).toBeNull();
    expect(pinyinSyllables('tuihuo15')).toBeNull();
    expect(pinyinSyllables('zen me iphone')).toBeNull();
    expect(pinyinSyllables('')).toBeNull();
    expect(pinyinSyllables('hmm')).toBeNull();
    // "nike" is legitimately ni + ke
    expect(pinyinSyllables('nike')).toEqual(['ni', 'ke']);
  });
});

describe('performance', () => {
  it('converts 10,000 sentences quickly', () => {
    const pool = [
      '这件衣服可以退货吗', '请问发票怎么开', '为什么还没发货', '运费险怎么理赔', '银行卡还款失败',
      'iphone 15 pro怎么退货', '重新发货要多久', '我要换货', '优惠券怎么用', '快递什么时候到',
    ];
    const sentences: string[] = [];
    for (let i = 0; i < 10000; i++) sentences.push(pool[i % pool.length]! + (i % 3 === 0 ? '谢谢' : ''));
    for (let i = 0; i < 2000; i++) toPinyin(sentences[i]!);
    const t0 = cpuMs();
    let n = 0;
    for (const s of sentences) n += toPinyin(s).length;
    const us = ((cpuMs() - t0) * 1000) / sentences.length;
    const t1 = cpuMs();
    for (let i = 0; i < 10000; i++) pinyinSyllables('zenmetuihuo');
    const usSplit = ((cpuMs() - t1) * 1000) / 10000;
    console.log(
      `toPinyin: ${us.toFixed(2)} µs/call over ${sentences.length} sentences (${n} syllables); ` +
        `pinyinSyllables: ${usSplit.toFixed(2)} µs/call`,
    );
    expect(us).toBeLessThan(50);
    expect(usSplit).toBeLessThan(50);
  });
});
