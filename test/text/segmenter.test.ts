import { describe, expect, it } from 'vitest';
import { FeatureExtractor, IntlSegmenter, JiebaSegmenter, loadSegmenterSync, SynonymTable } from '../../src/text/node';

const inCI = process.env.CI === 'true';

describe('loadSegmenter', () => {
  it('uses nodejieba when it is installed (CI requires it: a failed build is a failure here, never a skip)', () => {
    const info = loadSegmenterSync('auto');
    if (inCI) expect(info.name, `nodejieba did not load: ${info.fallbackReason}`).toBe('nodejieba');
    console.log(
      `[real components] nodejieba: ${info.name === 'nodejieba' ? 'loaded (the default segmenter of every matcher, bot and CLI test in this run; 2 tests call it directly)' : `missing (${info.fallbackReason})`}`,
    );
    expect(['nodejieba', 'intl']).toContain(info.name);
  });

  it('falls back to Intl.Segmenter when asked, or when nodejieba is missing', () => {
    expect(loadSegmenterSync('intl').name).toBe('intl');
  });
});

describe.runIf(inCI || loadSegmenterSync('auto').name === 'nodejieba')('JiebaSegmenter', () => {
  it('keeps English words and model names whole in mixed text (HMM mode)', () => {
    const words = new JiebaSegmenter().cut('我想买iPhone 15 Pro手机').filter((w) => w.trim());
    expect(words).toEqual(expect.arrayContaining(['iPhone', '15', 'Pro']));
    expect(words).not.toContain('i');
  });

  it('keeps KB vocabulary whole', () => {
    const seg = new JiebaSegmenter();
    seg.addWords(['七天无理由退货']);
    expect(seg.cut('支持七天无理由退货吗')).toContain('七天无理由退货');
  });
});

describe('IntlSegmenter', () => {
  it('segments Chinese into words and keeps ASCII words', () => {
    const words = new IntlSegmenter().cut('我想买iPhone 15 Pro手机');
    expect(words).toEqual(expect.arrayContaining(['iPhone', '15', 'Pro']));
    expect(words.join('')).toBe('我想买iPhone15Pro手机');
  });

  it('keeps KB vocabulary whole, longest match first', () => {
    const seg = new IntlSegmenter();
    seg.addWords(['运费险', '退货运费险']);
    expect(seg.cut('退货运费险怎么理赔')).toContain('退货运费险');
  });
});

describe('FeatureExtractor', () => {
  const ex = new FeatureExtractor({ segmenter: new IntlSegmenter(), synonyms: new SynonymTable([['退货', '退掉']]) });

  it('normalizes before extracting: traditional, full-width and case give the same features', () => {
    expect([...ex.analyze('這件衣服可以退貨嗎').features]).toEqual([...ex.analyze('这件衣服可以退货吗').features]);
    expect([...ex.analyze('ＩＰＨＯＮＥ').features]).toEqual([...ex.analyze('iphone').features]);
  });

  it('gives homophone typos the same pinyin features', () => {
    const keys = (t: string) => [...ex.analyze(t).features.keys()].filter((k) => k.startsWith('q:'));
    expect(keys('微利贷')).toEqual(keys('微粒贷'));
    expect(keys('薇粒贷')).toEqual(keys('微粒贷'));
  });

  it('reads toneless pinyin input as pinyin features of the characters', () => {
    const pinyin = [...ex.analyze('zenme tui huo').features.keys()].filter((k) => k.startsWith('q:'));
    const chars = [...ex.analyze('怎么退货').features.keys()].filter((k) => k.startsWith('q:'));
    expect(pinyin).toEqual(expect.arrayContaining(chars.filter((k) => k !== 'q:me tui')));
    expect(ex.analyze('tuihuo').pinyinOnly).toBe(true);
  });

  it('maps synonyms to their canonical term', () => {
    expect(ex.analyze('衣服退掉').tokens).toContain('退货');
  });

  it('stems English words (mixed KBs) and drops articles, keeping question words', () => {
    const a = ex.analyze('Where are the refunds for my orders');
    expect(a.tokens).toEqual(['where', 'are', 'refund', 'for', 'my', 'order']);
  });
});
