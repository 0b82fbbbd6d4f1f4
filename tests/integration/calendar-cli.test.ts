import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { addWorkingTime } from '../../server/domain/sla';
import { CalendarService } from '../../server/services/calendar';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { insertFixtureCity } from '../helpers/fixtures';
import { getJson, startTestServer } from '../helpers/server';

/**
 * `npm run calendar` as an admin runs it, on both databases: a good file is stored
 * (and a running server's deadlines use it within a tick), a bad one is refused
 * with the problem named, exit code 1 and nothing written. The file is a made-up
 * year (2031): the real 2027 notice is not in our data.
 */
const FAKE_2031 = path.resolve('tests/fixtures/calendar-2031.fake.json');
const dir = mkdtempSync(path.join(tmpdir(), 'hcm-calendar-'));
const bj = (text: string) => new Date(`${text.replace(' ', 'T')}:00+08:00`);

function calendarCli(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/services/calendar-cli.ts', ...args], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const badFile = path.join(dir, 'bad.json');
writeFileSync(badFile, JSON.stringify({ year: 2031, holidays: ['2031-01-01', '2032-01-01'], workdays: ['2031-01-06'] }));
const notJson = path.join(dir, 'not.json');
writeFileSync(notJson, '{"year": 2031, "holidays": [');

async function stored(database: Database) {
  return database.rows<{ year: number; source: string; days: number; audits: number }>(sql`
    SELECT y.year, y.source,
      (SELECT count(*)::int FROM calendar_days d WHERE extract(year FROM d.day) = y.year) AS days,
      (SELECT count(*)::int FROM audit_log WHERE action = 'calendar.import') AS audits
    FROM calendar_years y WHERE y.year > 2026 ORDER BY y.year`);
}

/** One working hour from Thu 2 Jan 2031 10:00: unknown (a weekday) on the package calendar; in the fake file 1–3 Jan are off and Sat 4 Jan is worked. */
const newYearDeadline = (service: CalendarService) => addWorkingTime(bj('2031-01-02 10:00'), { workHours: 1 }, service.current());

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(DB_KINDS)('npm run calendar (%s)', (kind) => {
  let t: TestDatabase | null = null;
  let env: Record<string, string>;
  const pgliteDir = path.join(dir, `pglite-${kind}`);

  beforeAll(async () => {
    if (kind === 'postgres') {
      t = await createTestDatabase('postgres');
      await insertFixtureCity(t.database);
      env = { DATABASE_URL: t.url! };
    } else {
      env = { DATA_DIR: pgliteDir };
    }
  });
  afterAll(async () => t?.drop());

  it('refuses a bad file with the problems named, exit code 1, and writes nothing', async () => {
    const bad = await calendarCli(env, 'import', badFile);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('nothing was imported');
    expect(bad.stderr).toMatch(/holidays\.1: 2032-01-01 is not in 2031/);
    expect(bad.stderr).toMatch(/workdays\.0: 2031-01-06 is a weekday/);
    const broken = await calendarCli(env, 'import', notJson);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/not JSON/);
    const missing = await calendarCli(env, 'import', path.join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read/);
    expect((await calendarCli(env, 'import')).code).toBe(2);
    if (kind === 'postgres') expect(await stored(t!.database)).toEqual([]);
    const list = await calendarCli(env, 'list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toContain('2031');
    expect(list.stdout).toContain('STALE: import 2027');
  }, 120_000);

  it('imports a good file, which a running server uses within a tick', async () => {
    // PGlite is one process: the server runs after the import there; on PostgreSQL it runs throughout.
    const running = t ? await startTestServer(t.database, 0, { scheduler: { enabled: true, tickMs: 100 } }) : null;
    try {
      if (running) {
        expect(newYearDeadline(running.app.context.calendar)).toEqual({ at: bj('2031-01-02 11:00'), beyondCalendar: true });
      }
      const ok = await calendarCli(env, 'import', FAKE_2031);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('imported 2031 (5 holidays, 2 make-up working days) from calendar-2031.fake.json');

      const database = t?.database ?? (await openDatabase({ dataDir: pgliteDir }));
      try {
        expect(await stored(database)).toEqual([{ year: 2031, source: 'calendar-2031.fake.json', days: 7, audits: 1 }]);
        const service = running?.app.context.calendar ?? new CalendarService(database);
        if (running) {
          const deadline = Date.now() + 10_000;
          while (service.current().lastYear !== 2031 && Date.now() < deadline) await running.app.context.scheduler.tick();
        } else {
          await service.load();
        }
        expect(service.current().lastYear).toBe(2031);
        // 1–3 Jan off, Sat 4 Jan worked.
        expect(newYearDeadline(service)).toEqual({ at: bj('2031-01-04 09:30'), beyondCalendar: false });
      } finally {
        if (!t) await database.close();
      }
      const list = await calendarCli(env, 'list');
      expect(list.stdout).toMatch(/2031\t5 holidays\t2 make-up days\tcalendar-2031\.fake\.json/);
      // A year far ahead over a gap does not hide that 2027 is missing.
      expect(list.stdout).toContain('STALE: import 2027');
    } finally {
      await running?.app.close();
    }
  }, 180_000);
});

describe.each(DB_KINDS)('/api/health and the calendar (%s)', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
  });
  afterAll(async () => t?.drop());

  it('warns (200, not 503) that the calendar ends this year and counts the flagged cases', async () => {
    const { app, base } = await startTestServer(t.database, 0);
    try {
      await t.database.rows(sql`
        INSERT INTO cases (kind, channel, external_id, category, severity, geom, area_codes, reported_at, sla_clock, sla_stage, sla_due_at, sla_beyond_calendar)
        VALUES ('appeal', 'hotline_12345', 'beyond-1', 'TS', 'Moderate', ST_SetSRID(ST_MakePoint(106.61, 26.51), 4326), '{520100}', now(),
                '{"stage":"handle","startedAt":0,"pauses":[],"extensions":[]}'::jsonb, 'handle', now() + interval '30 days', true)`);
      const res = await getJson<Record<string, unknown>>(base, '/api/health');
      expect(res.status).toBe(200);
      const daysLeft = Math.floor((Date.parse('2027-01-01T00:00:00+08:00') - Date.now()) / 86_400_000);
      expect(res.body).toMatchObject({
        status: 'ok',
        calendar: { lastYear: 2026, endsAt: '2026-12-31T16:00:00.000Z', daysLeft, stale: daysLeft < 45, beyondCalendarCases: 1 },
        scheduler: null,
      });
      const warnings = res.body.warnings as string[];
      if (daysLeft < 45) expect(warnings.join('\n')).toContain('import 2027 with npm run calendar -- import <file>');
      expect(warnings.join('\n')).toContain('1 open cases have deadlines computed past the calendar');
      expect(app.context.health).toBeTruthy();
    } finally {
      await app.close();
    }
  });
});
