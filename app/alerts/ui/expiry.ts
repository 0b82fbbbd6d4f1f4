/**
 * The expiry field is Beijing time whatever the browser's own zone (the whole
 * platform shows Asia/Shanghai, UTC+8 without daylight saving): a `datetime-local`
 * value ↔ epoch milliseconds.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** Epoch ms → "YYYY-MM-DDTHH:mm" in Beijing time, rounded down to the minute. */
export function expiryInputValue(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);
}

/** "YYYY-MM-DDTHH:mm" (seconds optional) in Beijing time → epoch ms; null when it is not such a time. */
export function parseShanghaiInput(value: string): number | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/.exec(value);
  if (!match) return null;
  const ms = Date.parse(`${match[1]}${match[2] ?? ':00'}+08:00`);
  return Number.isFinite(ms) ? ms : null;
}
