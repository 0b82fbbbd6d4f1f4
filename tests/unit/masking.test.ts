import { describe, expect, it } from 'vitest';
import { maskContact, maskIdNumber, maskName, maskPhone } from '../../server/auth/masking';

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits of a mobile number', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
  });
  it('drops separators and stars one character per hidden digit', () => {
    expect(maskPhone('0851-8612 3456')).toBe('085*****3456');
    expect(maskPhone('+86 138 1234 1234')).toBe('861******1234');
  });
  it('keeps only the last 2 digits of a short number', () => {
    expect(maskPhone('12345')).toBe('***45');
  });
  it('keeps null and empty as they are', () => {
    expect(maskPhone(null)).toBeNull();
    expect(maskPhone('')).toBe('');
  });
});

describe('maskName', () => {
  it('keeps the family name of a Chinese name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('李')).toBe('*');
  });
  it('counts code points, not UTF-16 units', () => {
    expect(maskName('𠮷野家')).toBe('𠮷**');
  });
  it('keeps the first letter of each word of a Latin name', () => {
    expect(maskName('Li Lei')).toBe('L* L**');
  });
  it('never returns a name unmasked', () => {
    for (const n of ['王', 'Al', '王小明', 'Jo Smith']) expect(maskName(n)).not.toBe(n);
  });
});

describe('maskIdNumber', () => {
  it('hides the birth date and sequence of an 18-character ID', () => {
    expect(maskIdNumber('520102199001011234')).toBe('5201**********1234');
    expect(maskIdNumber('52010219900101123x')).toBe('5201**********123X');
  });
  it('handles the old 15-digit ID and other lengths', () => {
    expect(maskIdNumber('520102900101123')).toBe('5201*******1123');
    expect(maskIdNumber('AB123456')).toBe('******56');
  });
});

describe('maskContact', () => {
  it('masks every field of a contact', () => {
    expect(maskContact({ name: '张三', phone: '13812341234', idNumber: null })).toEqual({ name: '张*', phone: '138****1234', idNumber: null });
  });
});
