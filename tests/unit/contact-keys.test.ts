import { describe, expect, it } from 'vitest';
import { contactKeyer, normaliseIdNumber, normalisePhone } from '../../server/auth/contact-keys';
import { indicatorsOf, ZERO_COUNTERS, ZERO_NOW } from '../../server/domain/indicators';

const SECRET = 'a-test-secret-of-at-least-32-characters';

describe('contact keys (重复件)', () => {
  it('normalises a phone however it is written', () => {
    for (const written of ['13812345678', '138 1234 5678', '138-1234-5678', '+86 138 1234 5678', '+86-13812345678', '008613812345678', '8613812345678', '１３８１２３４５６７８', '(138) 1234.5678']) {
      expect(normalisePhone(written), written).toBe('13812345678');
    }
    // A landline keeps its trunk 0, given either way.
    expect(normalisePhone('0851-8612 3456')).toBe('085186123456');
    expect(normalisePhone('+86 851 8612 3456')).toBe('085186123456');
    // A bare 86 before something that is not a mobile number is part of the number.
    expect(normalisePhone('86123456')).toBe('86123456');
    expect(normalisePhone(' - ')).toBeNull();
  });

  it('normalises an ID number (spaces, the x check character)', () => {
    expect(normaliseIdNumber('52010219900101123x')).toBe('52010219900101123X');
    expect(normaliseIdNumber('520102 19900101 123X')).toBe('52010219900101123X');
    expect(normaliseIdNumber('  ')).toBeNull();
  });

  it('keys by secret: the same contact the same key, another secret or another kind of field another key', () => {
    const keys = contactKeyer(SECRET);
    const a = keys({ phone: '138 1234 5678', idNumber: '52010219900101123x' });
    expect(keys({ phone: '+8613812345678', idNumber: '52010219900101123X' })).toEqual(a);
    expect(a.phoneKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.phoneKey).not.toContain('13812345678');
    expect(contactKeyer(`${SECRET}!`)({ phone: '13812345678' }).phoneKey).not.toBe(a.phoneKey);
    expect(keys({ phone: '13812345679' }).phoneKey).not.toBe(a.phoneKey);
    // A phone and an ID number that are the same digits never share a key.
    expect(keys({ phone: '123456789012345' }).phoneKey).not.toBe(keys({ idNumber: '123456789012345' }).idKey);
    expect(keys({})).toEqual({ phoneKey: null, idKey: null });
    expect(() => contactKeyer('short')).toThrow(/32/);
  });

  it('重复率 is repeats over appeals, null without appeals, and not part of the score', () => {
    const base = indicatorsOf({ ...ZERO_COUNTERS, handled: 10, handledOnTime: 9 }, ZERO_NOW);
    expect(base.repeatRate).toBeNull();
    const withRepeats = indicatorsOf({ ...ZERO_COUNTERS, handled: 10, handledOnTime: 9, appealsReported: 8, repeated: 2 }, ZERO_NOW);
    expect(withRepeats.repeatRate).toBe(0.25);
    expect(withRepeats.score).toBe(base.score);
  });
});
