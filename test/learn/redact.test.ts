import { describe, expect, it } from 'vitest';
import { redact } from '../../src/learn/redact';

describe('redact', () => {
  it('removes mobile numbers, with or without +86 and separators', () => {
    expect(redact('我的手机13812345678').text).toBe('我的手机【手机号】');
    expect(redact('电话 +86 138-1234-5678 联系我').text).toBe('电话 【手机号】 联系我');
  });

  it('removes ID-card numbers and Luhn-valid bank cards, but not any long number', () => {
    expect(redact('身份证110101199003074578').text).toBe('身份证【身份证号】');
    expect(redact('退到卡 6222 0202 0000 0005 吗')).toEqual({ text: '退到卡 【银行卡号】 吗', found: ['bank-card'] });
    expect(redact('流水号6222020200000006').found).toEqual(['order-number']);
    expect(redact('卡号4111111111111111').found).toEqual(['bank-card']);
  });

  it('removes emails and order or tracking numbers', () => {
    const r = redact('订单SO20241111001还没到，快递单号SF1234567890，邮箱zhang.san@example.com');
    expect(r.text).toBe('订单【单号】还没到，快递单号【单号】，邮箱【邮箱】');
    expect(r.found.sort()).toEqual(['email', 'order-number', 'tracking-number']);
  });

  it('removes recognisable street addresses', () => {
    const r = redact('寄到浙江省杭州市西湖区文三路398号3栋2单元吧');
    expect(r.text).toContain('【地址】');
    expect(r.text).not.toMatch(/文三路|398/);
    expect(r.found).toEqual(['address']);
  });

  it('leaves ordinary questions, model names and short numbers alone', () => {
    for (const q of ['iPhone 15 Pro 怎么退货', '买了2件能退1件吗', '双11有什么优惠', '165cm 55kg穿什么码', '不知道快递11号能到吗', '5号能发货吗', '条形码6901234567892']) {
      expect(redact(q)).toEqual({ text: q, found: [] });
    }
  });
});

describe('findPersonalData', () => {
  it('gives each kind its span in the original text, for other modules to reuse', async () => {
    const { findPersonalData } = await import('../../src/index');
    const text = '我叫王小明，手机１３８１２３４５６７８';
    expect(findPersonalData(text).map((s) => [s.kind, text.slice(s.start, s.end)])).toEqual([
      ['name', '王小明'],
      ['mobile', '１３８１２３４５６７８'],
    ]);
  });
});
