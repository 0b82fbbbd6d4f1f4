/**
 * Why an import was refused. The whole file is rejected (nothing written), and
 * the message names the first offending feature so the sender can fix it:
 * "feature #12 (id "g-12", code 520102001001012): ring 0 of polygon 0 is not closed".
 */
export class ImportError extends Error {
  override name = 'ImportError';

  constructor(
    readonly reason: string,
    /** 0-based index in `features`, or null when the file as a whole is at fault. */
    readonly featureIndex: number | null = null,
    readonly featureId?: string | number,
    readonly code?: string,
  ) {
    super(ImportError.describe(reason, featureIndex, featureId, code));
  }

  private static describe(reason: string, index: number | null, id?: string | number, code?: string): string {
    if (index === null) return reason;
    const labels = [id !== undefined ? `id ${JSON.stringify(id)}` : null, code ? `code ${code}` : null].filter(Boolean);
    return `feature #${index}${labels.length > 0 ? ` (${labels.join(', ')})` : ''}: ${reason}`;
  }
}
