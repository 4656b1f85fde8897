import { describe, expect, it } from 'vitest';
import { FeatureExtractor, IntlSegmenter } from '../../src/text/node';
import { standardChinese } from '../../src/text/features';

describe('FeatureExtractor', () => {
  it('reads colloquial function words in their standard spelling', () => {
    expect(standardChinese('啥时候发货')).toBe('什么时候发货');
    expect(standardChinese('咋办')).toBe('怎么办');
    expect(standardChinese('在哪儿下载')).toBe('在哪里下载');
    expect(standardChinese('一块儿付')).toBe('一起付');
    expect(standardChinese('一块钱')).toBe('一块钱');
  });

  it('keeps digit runs whole around KB words and leaves long numbers out of the features', () => {
    const seg = new IntlSegmenter();
    seg.addWords(['618']);
    const fx = new FeatureExtractor({ segmenter: seg });
    const a = fx.analyze('订单202406180023少了一件');
    expect(a.tokens).not.toContain('618');
    expect([...a.features.keys()].some((k) => /[0-9]/.test(k))).toBe(false);
    expect(fx.analyze('618有活动吗').tokens).toContain('618');
  });
});
