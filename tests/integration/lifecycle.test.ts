import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../server/auth/demo-secrets';
import { appeal } from '../helpers/fixtures';
import { postJson } from '../helpers/server';

/**
 * The real entry point as an operator runs it: `tsx server/index.ts` on the
 * embedded database. It must persist across restarts and exit 0 on SIGTERM.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'hcm-lifecycle-'));
const port = 3300 + Math.floor(Math.random() * 500);
const base = `http://127.0.0.1:${port}`;

function start(): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', UI: '0', LOG_LEVEL: 'info', SEED_IF_EMPTY: '1', SEED_SCALE: '0.05', DEMO: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function healthy(child: ChildProcess, deadlineMs = 180_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return (await res.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('server did not become healthy');
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('server process lifecycle (PGlite)', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('persists the embedded database across restarts and drains cleanly on SIGTERM', async () => {
    const first = start();
    try {
      expect(await healthy(first.child)).toMatchObject({ status: 'ok', database: 'pglite' });
      // The demo seed's 12345 API key: a hotline client reporting an appeal.
      const key = { authorization: `Bearer ${DEMO_API_KEY}` };
      const res = await postJson(base, '/api/cases', appeal('lifecycle-1', 106.7, 26.6, { channel: 'hotline_12345' }), { headers: key });
      expect(res.status).toBe(201);
      const id = (res.body as { case: { id: number } }).case.id;
      // The feed as the first server leaves it: the case, and any aggregate row its scheduler wrote since.
      const headBefore = (await healthy(first.child)).feedHead as number;
      expect(headBefore).toBeGreaterThanOrEqual(1);
      const done = exited(first.child);
      first.child.kill('SIGTERM');
      expect(await done).toBe(0);
      expect(first.output()).toContain('closed cleanly');

      const second = start();
      try {
        const health = await healthy(second.child);
        // Nothing acknowledged is lost; a new scheduler leader may add an aggregate row (appeal density), never remove one.
        expect(health.feedHead).toBeGreaterThanOrEqual(headBefore);
        const found = await fetch(`${base}/api/cases/${id}`, { headers: key });
        expect(found.status).toBe(200);
      } finally {
        const done2 = exited(second.child);
        second.child.kill('SIGTERM');
        expect(await done2, second.output()).toBe(0);
      }
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    }
  }, 420_000);
});
