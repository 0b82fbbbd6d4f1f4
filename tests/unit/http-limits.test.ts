import { describe, expect, it } from 'vitest';
import { caseBatchSchema, MAX_BATCH } from '../../server/protocol/api';
import { LIMITS } from '../../server/http/routes/cases/limits';

describe('body limits', () => {
  it('fit the largest valid batch of long Chinese descriptions', () => {
    // A case at the schema's text limits, in CJK (3 bytes per character in UTF-8).
    const longest = {
      kind: 'incident',
      channel: 'grid_worker',
      externalId: 'x'.repeat(128),
      category: '0101',
      topic: '噪'.repeat(32),
      severity: 'Moderate',
      title: '路'.repeat(200),
      description: '描'.repeat(4000),
      address: '址'.repeat(300),
      location: { type: 'Point', coordinates: [106.123456789, 26.123456789] },
      reportedAt: '2026-11-30T10:00:00.000+08:00',
    };
    const batch = { cases: Array.from({ length: MAX_BATCH }, () => longest) };
    expect(caseBatchSchema.safeParse(batch).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThanOrEqual(LIMITS.batch);
    expect(Buffer.byteLength(JSON.stringify(longest))).toBeLessThanOrEqual(LIMITS.case);
  });
});
