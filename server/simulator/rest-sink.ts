import type { AlertInput, CaseInput } from '../protocol/api';
import type { CaseSink } from './simulator';

/**
 * Posts simulated traffic to a running server, exactly as an external intake
 * system would. This is how the simulator feeds the embedded (PGlite) database,
 * which only the server process can open.
 */
export class RestSink implements CaseSink {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async ingestCases(inputs: CaseInput[]): Promise<unknown> {
    return this.post('/api/cases/batch', { cases: inputs });
  }

  async ingestAlert(input: AlertInput): Promise<unknown> {
    return this.post('/api/alerts', input);
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const response = await this.fetchImpl(new URL(path, this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as unknown) : null;
  }
}
