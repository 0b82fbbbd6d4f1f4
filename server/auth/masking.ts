/**
 * Masking of reporters' personal data for every screen that is not cleared to see
 * it. Pure; same input, same output. The rules:
 *
 * - phone: keep the first 3 and the last 4 digits, star the rest, one star per
 *   hidden digit (`13812341234` → `138****1234`). Separators are dropped first
 *   (`0851-8612 3456` → `085*****3456`). Fewer than 8 digits: keep only the last 2.
 * - name: keep the first character (the family name in Chinese), one star per
 *   further character (`张三` → `张*`, `欧阳娜娜` → `欧***`). Latin names keep the
 *   first letter of each word (`Li Lei` → `L* L**`). A one-character name → `*`.
 * - ID number (居民身份证, 18 or 15 characters): keep the first 4 (province + city)
 *   and the last 4, star the middle, which hides the birth date and sequence
 *   (`520102199001011234` → `5201**********1234`). Other lengths: keep the last 2.
 *
 * Characters are counted as code points, so names outside the BMP (𠮷) are not
 * split in half. null stays null: masking never invents data.
 */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phone.replace(/[\s\-()+.]/g, '');
  if (digits.length === 0) return '';
  if (digits.length < 8) return keep(digits, 0, 2);
  return keep(digits, 3, 4);
}

export function maskName(name: string | null): string | null {
  if (name === null) return null;
  const trimmed = name.trim();
  if (trimmed === '') return '';
  if (/^[\p{Script=Latin}\s.'-]+$/u.test(trimmed)) {
    return trimmed
      .split(/\s+/)
      .map((word) => keep(word, 1, 0))
      .join(' ');
  }
  const chars = Array.from(trimmed.replace(/\s+/g, ''));
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

export function maskIdNumber(id: string | null): string | null {
  if (id === null) return null;
  const value = id.replace(/\s/g, '').toUpperCase();
  if (value.length === 0) return '';
  if (value.length === 18 || value.length === 15) return keep(value, 4, 4);
  return keep(value, 0, 2);
}

/** Keeps `head` leading and `tail` trailing code points and stars the rest (never reveals everything). */
function keep(value: string, head: number, tail: number): string {
  const chars = Array.from(value);
  if (chars.length <= head + tail) return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(chars.length - tail).join('');
}

export interface Contact {
  name: string | null;
  phone: string | null;
  idNumber: string | null;
}

export function maskContact(contact: Contact): Contact {
  return { name: maskName(contact.name), phone: maskPhone(contact.phone), idNumber: maskIdNumber(contact.idNumber) };
}
