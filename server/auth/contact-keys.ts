import { createHmac } from 'node:crypto';

/**
 * Keyed hashes of a reporter's phone and ID number, for finding repeat appeals
 * (重复件) without comparing personal data in clear: HMAC-SHA256 with the server's
 * secret (CONTACT_KEY_SECRET) over the normalised value, base64url. Without the
 * secret a key cannot be tested against a guessed number (a plain hash of an
 * 11-digit phone could be, by trying them all). Stored only in case_contacts;
 * changing the secret starts the repeat history afresh. Pure; same input, same key.
 */
export interface ContactKeys {
  phoneKey: string | null;
  idKey: string | null;
}

export type ContactKeyer = (reporter: { phone?: string | null; idNumber?: string | null }) => ContactKeys;

/**
 * A phone as one string of digits: full-width digits folded (NFKC), spaces, dashes,
 * dots and brackets dropped, and China's country code (+86, 0086, or a bare 86 before a
 * mobile number) taken off; a landline given internationally gets its trunk 0 back
 * (+86 851 8612 3456 → 085186123456, as dialled at home). null when nothing is left.
 */
export function normalisePhone(phone: string): string | null {
  let digits = phone.normalize('NFKC').replace(/[\s\-().]/g, '');
  const international = /^(?:\+86|0086)/.exec(digits);
  if (international) {
    digits = digits.slice(international[0].length);
    if (digits !== '' && !digits.startsWith('1') && !digits.startsWith('0')) digits = `0${digits}`;
  } else if (/^861\d{10}$/.test(digits)) {
    digits = digits.slice(2);
  }
  return digits === '' ? null : digits;
}

/** A 居民身份证 number: NFKC, spaces dropped, the check character x upper-cased. null when empty. */
export function normaliseIdNumber(id: string): string | null {
  const value = id.normalize('NFKC').replace(/\s/g, '').toUpperCase();
  return value === '' ? null : value;
}

/** The keyer of one secret. Phone and ID number are keyed under different labels, so they never collide. */
export function contactKeyer(secret: string): ContactKeyer {
  if (secret.length < 32) throw new Error('the contact key secret must be at least 32 characters');
  const key = (label: string, value: string | null) => (value === null ? null : createHmac('sha256', secret).update(`${label}:${value}`).digest('base64url'));
  return (reporter) => ({
    phoneKey: key('phone', reporter.phone ? normalisePhone(reporter.phone) : null),
    idKey: key('id', reporter.idNumber ? normaliseIdNumber(reporter.idNumber) : null),
  });
}
