import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../db/client';
import { DEMO_API_KEY } from '../../server/auth/demo-secrets';
import { ADMIN_URL, DB_KINDS } from '../helpers/db';
import { appeal } from '../helpers/fixtures';
import { postJson } from '../helpers/server';

/**
 * Several real server processes (`tsx server/index.ts`) on one PostgreSQL, as a
 * deployment runs them: started at the same moment on an empty database they
 * migrate and seed once; one of them leads the scheduler; each timer fires once
 * however many nodes tick; when the leader stops another takes over; a case whose
 * deadline passed while every node was down is marked at the next start.
 */
interface Node {
  child: ChildProcess;
  output: () => string;
  port: Promise<number>;
  base: string;
}

function startNode(url: string): Node {
  let output = '';
  let resolvePort: (port: number) => void;
  const port = new Promise<number>((resolve) => (resolvePort = resolve));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      DATA_DIR: '',
      PORT: '0',
      HOST: '127.0.0.1',
      UI: '0',
      LOG_LEVEL: 'info',
      SEED_IF_EMPTY: '1',
      SEED_SCALE: '0.05',
      DEMO: '1',
      SIMULATE: '0',
      SCHEDULER_TICK_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const node: Node = { child, output: () => output, port, base: '' };
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    const m = /"port":(\d+),"database":"postgres"/.exec(output);
    if (m && !node.base) {
      node.base = `http://127.0.0.1:${m[1]}`;
      resolvePort(Number(m[1]));
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  return node;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Health {
  status: string;
  scheduler: { leader: boolean; ticks: number } | null;
  calendar: { stale: boolean; lastYear: number } | null;
  warnings: string[];
}

async function health(node: Node): Promise<Health | undefined> {
  if (!node.base || node.child.exitCode !== null) return undefined;
  const res = await fetch(`${node.base}/api/health`);
  return res.ok ? ((await res.json()) as Health) : undefined;
}

async function ready(node: Node): Promise<Health> {
  await Promise.race([
    node.port,
    new Promise((_, reject) => node.child.once('exit', (code) => reject(new Error(`node exited with ${code}:\n${node.output().slice(-3000)}`)))),
  ]);
  return until('a healthy node', () => health(node), 180_000);
}

async function stop(node: Node): Promise<number | null> {
  if (node.child.exitCode !== null) return node.child.exitCode;
  const exited = new Promise<number | null>((resolve) => node.child.once('exit', (code) => resolve(code)));
  node.child.kill('SIGTERM');
  return exited;
}

/** Ticks of every node have advanced by `by` since `from` (so any duplicate firing would have happened). */
async function ticksPassed(nodes: Node[], from: number[], by = 3): Promise<void> {
  await until('more ticks on every node', async () => {
    const now = await Promise.all(nodes.map((n) => health(n)));
    return now.every((h, i) => h?.scheduler && h.scheduler.ticks >= from[i]! + by);
  });
}

describe.runIf(DB_KINDS.includes('postgres'))('several server processes on one PostgreSQL', () => {
  const name = `hcm_test_nodes_${randomBytes(4).toString('hex')}`;
  const url = (() => {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    return u.toString();
  })();
  let db: pg.Client;
  const nodes: Node[] = [];
  const key = { authorization: `Bearer ${DEMO_API_KEY}` };

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    db = new pg.Client({ connectionString: url });
    await db.connect();
  });
  afterAll(async () => {
    for (const n of nodes) if (n.child.exitCode === null) n.child.kill('SIGKILL');
    await db?.end();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  const count = async (text: string, values: unknown[] = []) => Number((await db.query<{ n: string }>(text, values)).rows[0]!.n);

  async function report(base: string, n: number, tag: string): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      // Spread over the demo city's centre so the cases land in different grids.
      const res = await postJson(base, '/api/cases', appeal(`${tag}-${i}`, 106.68 + (i % 5) * 0.01, 26.56 + Math.floor(i / 5) * 0.01), { headers: key });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push((res.body as { case: { id: number } }).case.id);
    }
    return ids;
  }

  it('migrates and seeds once when two nodes start together on an empty database', async () => {
    nodes.push(startNode(url), startNode(url));
    const [a, b] = await Promise.all(nodes.map((n) => ready(n)));
    expect(a!).toMatchObject({ status: 'ok' });
    expect(b).toMatchObject({ status: 'ok' });
    const seeded = nodes.map((n) => (n.output().match(/empty database: seeding the demo city/g) ?? []).length);
    expect(seeded.sort()).toEqual([0, 1]);
    const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(await count('SELECT count(*) AS n FROM drizzle.__drizzle_migrations')).toBe(journal.entries.length);
    expect(await count('SELECT count(*) - count(DISTINCT code) AS n FROM areas')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM areas')).toBeGreaterThan(100);
    expect(await count("SELECT count(*) AS n FROM users WHERE login = 'admin'")).toBe(1);
    expect(await count('SELECT count(*) AS n FROM calendar_years')).toBe(23);
    // The calendar ends with 2026: on 30 Nov 2026 that is a warning, not a failure.
    expect(a!.calendar).toMatchObject({ lastYear: 2026 });
  }, 240_000);

  it('has exactly one leader, and each timer fires once however many nodes tick', async () => {
    const leaders = await until('one leader', async () => {
      const hs = await Promise.all(nodes.map((n) => health(n)));
      const lead = hs.filter((h) => h?.scheduler?.leader).length;
      return hs.every((h) => h?.scheduler) && lead === 1 ? hs : undefined;
    });
    expect(leaders.map((h) => h!.scheduler!.leader).sort()).toEqual([false, true]);

    const ids = await report(nodes[0]!.base, 15, 'nodes');
    // Everyone was on holiday for a month: overdue, and every escalation level due.
    await db.query(`UPDATE cases SET sla_warn_at = now() - interval '31 days', sla_due_at = now() - interval '30 days' WHERE id = ANY($1)`, [ids]);
    const settled = async () =>
      (await count(
        `SELECT count(*) AS n FROM cases WHERE id = ANY($1) AND sla_state = 'overdue' AND next_escalation_at IS NULL
           AND escalation_level = cardinality(area_codes) - 1`,
        [ids],
      )) === ids.length;
    await until('every case overdue and escalated to the root', settled);
    const ticks = (await Promise.all(nodes.map((n) => health(n)))).map((h) => h!.scheduler!.ticks);
    await ticksPassed(nodes, ticks);

    const { rows } = await db.query<{ id: string; overdue: string; escalated: string; warned: string; levels: number; feed: string }>(
      `SELECT c.id, c.escalation_level AS levels,
              (SELECT count(*) FROM case_events e WHERE e.case_id = c.id AND e.action = 'sla_overdue') AS overdue,
              (SELECT count(*) FROM case_events e WHERE e.case_id = c.id AND e.action = 'escalated') AS escalated,
              (SELECT count(*) FROM case_events e WHERE e.case_id = c.id AND e.action = 'sla_warning') AS warned,
              (SELECT count(*) FROM feed f WHERE f.topic IN ('case.updated', 'case.escalated') AND (f.payload->>'id')::bigint = c.id) AS feed
       FROM cases c WHERE c.id = ANY($1) ORDER BY c.id`,
      [ids],
    );
    expect(rows.some((r) => r.levels >= 3)).toBe(true);
    for (const r of rows) {
      expect({ id: r.id, overdue: Number(r.overdue), warned: Number(r.warned), escalated: Number(r.escalated), feed: Number(r.feed) }).toEqual({
        id: r.id,
        overdue: 1,
        warned: 0,
        // A month late: straight to the level due by now, in one escalation.
        escalated: r.levels > 0 ? 1 : 0,
        feed: r.levels > 0 ? 2 : 1,
      });
    }
  }, 240_000);

  it('hands the lead over when the leader stops, and the survivor fires the next timers', async () => {
    const hs = await Promise.all(nodes.map((n) => health(n)));
    const leader = nodes[hs.findIndex((h) => h?.scheduler?.leader)]!;
    const survivor = nodes.find((n) => n !== leader)!;
    expect(await stop(leader)).toBe(0);
    await until('the survivor leads', async () => (await health(survivor))?.scheduler?.leader === true, 30_000);
    const [id] = await report(survivor.base, 1, 'failover');
    await db.query(`UPDATE cases SET sla_due_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    await until('the case overdue', async () => (await count(`SELECT count(*) AS n FROM cases WHERE id = $1 AND sla_state = 'overdue'`, [id])) === 1);
    expect(await count(`SELECT count(*) AS n FROM case_events WHERE case_id = $1 AND action = 'sla_overdue'`, [id])).toBe(1);
  }, 120_000);

  it('marks a case whose deadline passed while every node was down at the next start', async () => {
    const survivor = nodes.find((n) => n.child.exitCode === null)!;
    const [id] = await report(survivor.base, 1, 'downtime');
    expect(await stop(survivor)).toBe(0);
    await db.query(`UPDATE cases SET sla_warn_at = now() - interval '2 minutes', sla_due_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    expect(await count(`SELECT count(*) AS n FROM cases WHERE id = $1 AND sla_state = 'normal'`, [id])).toBe(1);
    const restarted = startNode(url);
    nodes.push(restarted);
    await ready(restarted);
    await until('the case overdue after the restart', async () => (await count(`SELECT count(*) AS n FROM cases WHERE id = $1 AND sla_state = 'overdue'`, [id])) === 1);
    expect(await count(`SELECT count(*) AS n FROM case_events WHERE case_id = $1 AND action IN ('sla_overdue', 'sla_warning')`, [id])).toBe(1);
    expect(await stop(restarted)).toBe(0);
  }, 240_000);
});
