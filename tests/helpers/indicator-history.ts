import { sql } from 'drizzle-orm';
import type { Database, Runner } from '../../db/client';
import { createRng } from '../../db/seed/random';
import type { CaseKind } from '../../db/vocab';
import { FIXTURE } from './fixtures';

/**
 * Case histories written straight into cases / case_events, shaped as intake, the
 * commands and the scheduler write them (a `reported` row per case; one row per
 * accepted command with `data.left = { stage, dueAt, overdue }`; `sla_overdue` and
 * `escalated` rows from the scheduler; `clock:` rows that the indicators ignore).
 */
export interface HistoryCase {
  key: string;
  kind: CaseKind;
  /** The case's path of area codes, city first. */
  areaCodes: string[];
  status: string;
  slaState: 'normal' | 'warning' | 'overdue';
}

export interface HistoryEvent {
  key: string;
  at: string | number;
  action: string;
  /** The stage left and whether it was past its deadline (commands only). */
  left?: { stage: string; overdue: boolean };
  actor?: string;
}

/** Fixture grids (tests/helpers/fixtures.ts): district → street → community → grid. */
export function fixtureGridPath(district: 'west' | 'east', k: number): string[] {
  const d = FIXTURE[district];
  const street = `${d}001`;
  const community = `${street}001`;
  return [FIXTURE.city, d, street, community, `${community}${String(k).padStart(3, '0')}`];
}

/** Inserts the cases (no events); returns key → id. */
export async function insertHistoryCases(db: Runner, cases: readonly HistoryCase[], reportedAt = '2026-05-01T00:00:00Z'): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < cases.length; i += 1000) {
    const slice = cases.slice(i, i + 1000);
    const rows = await db.rows<{ id: number; key: string }>(sql`
      INSERT INTO cases (kind, channel, external_id, category, severity, status, geom, area_codes, reported_at, sla_state)
      SELECT c.kind, CASE WHEN c.kind = 'appeal' THEN 'hotline_12345' ELSE 'grid_worker' END, 'hist-' || c.key,
             CASE WHEN c.kind = 'appeal' THEN 'TS' ELSE '0102' END, 'Moderate', c.status,
             ST_SetSRID(ST_MakePoint(106.61, 26.51), 4326), ARRAY(SELECT jsonb_array_elements_text(c.codes)),
             ${reportedAt}::timestamptz, c.sla_state
      FROM jsonb_to_recordset(${JSON.stringify(slice.map((c) => ({ ...c, codes: c.areaCodes, sla_state: c.slaState })))}::jsonb)
        AS c(key text, kind text, status text, codes jsonb, sla_state text)
      RETURNING id, substr(external_id, 6) AS key`);
    for (const r of rows) ids.set(r.key, r.id);
  }
  return ids;
}

const isoOf = (at: string | number) => (typeof at === 'number' ? new Date(at).toISOString() : at);

/** Inserts events in the given order in ONE statement (the trigger folds them together). */
export async function insertHistoryEvents(db: Runner, ids: ReadonlyMap<string, number>, events: readonly HistoryEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e, n) => ({
    n,
    case_id: ids.get(e.key) ?? (() => { throw new Error(`no case ${e.key}`); })(),
    at: isoOf(e.at),
    action: e.action,
    actor: e.actor ?? (e.action.startsWith('sla_') || e.action === 'escalated' ? 'system:scheduler' : e.action === 'reported' ? 'channel:grid_worker' : 'user:1'),
    data: e.left ? { left: { stage: e.left.stage, dueAt: null, overdue: e.left.overdue } } : {},
  }));
  await db.rows(sql`
    INSERT INTO case_events (case_id, at, actor, action, data)
    SELECT r.case_id, r.at, r.actor, r.action, r.data
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(n int, case_id bigint, at timestamptz, actor text, action text, data jsonb)
    ORDER BY r.n`);
}

/** Each event in its own statement, as one command per transaction writes them. */
export async function insertEventsOneByOne(database: Database, ids: ReadonlyMap<string, number>, events: readonly HistoryEvent[]): Promise<void> {
  for (const e of events) await insertHistoryEvents(database, ids, [e]);
}

// ---------------------------------------------------------------------------------------------
// A seeded random history: cases walking the closed loop with returns, reworks, suspensions,
// late stages, scheduler events and ignored clock rows, spread over `days` days.

const MIN = 60_000;

export interface RandomHistory {
  cases: HistoryCase[];
  /** All events, sorted by time (so ids rise with time within every case). */
  events: HistoryEvent[];
}

export function randomHistory(options: { seed: number; cases: number; start: string; days: number }): RandomHistory {
  const rng = createRng(options.seed);
  const t0 = Date.parse(`${options.start}T00:00:00+08:00`);
  const cases: HistoryCase[] = [];
  const events: HistoryEvent[] = [];
  const late = () => rng.chance(0.2);
  for (let i = 0; i < options.cases; i++) {
    const key = `r${i}`;
    const kind: CaseKind = rng.chance(0.3) ? 'appeal' : 'incident';
    const areaCodes = rng.chance(0.03) ? [FIXTURE.city] : fixtureGridPath(rng.chance(0.5) ? 'west' : 'east', 1 + rng.int(FIXTURE.gridsPerDistrict));
    let t = t0 + Math.floor(rng.next() * options.days * 24 * 60) * MIN;
    const step = (maxMinutes: number) => (t += (1 + rng.int(maxMinutes)) * MIN);
    const push = (action: string, left?: { stage: string; overdue: boolean }) => events.push({ key, at: t, action, left });
    push('reported');
    let status = 'reported';
    let slaState: HistoryCase['slaState'] = rng.pick(['normal', 'normal', 'warning', 'overdue'] as const);
    const scheduler = () => {
      if (rng.chance(0.1)) {
        step(120);
        push('sla_overdue');
        if (rng.chance(0.5)) {
          step(60);
          push('escalated');
        }
      }
    };
    const walk = (): void => {
      scheduler();
      if (rng.chance(0.1)) return; // stays reported
      step(90);
      if (rng.chance(0.08)) {
        push('reject', { stage: 'register', overdue: late() });
        status = 'rejected';
        return;
      }
      if (rng.chance(0.03)) {
        push('merge', { stage: 'register', overdue: late() });
        status = 'merged';
        return;
      }
      push('register', { stage: 'register', overdue: late() });
      status = 'registered';
      if (rng.chance(0.1)) return;
      for (;;) {
        step(240);
        push('dispatch', { stage: 'dispatch', overdue: late() });
        push('clock:start');
        status = 'dispatched';
        if (rng.chance(0.12)) {
          step(120);
          push('return', { stage: 'handle', overdue: late() });
          status = 'returned';
          if (rng.chance(0.2)) return;
          continue;
        }
        break;
      }
      if (rng.chance(0.08)) return;
      step(60);
      push('accept');
      status = 'in_progress';
      for (let round = 0; ; round++) {
        if (rng.chance(0.1)) {
          step(120);
          push('suspend_request');
          step(60);
          push('suspend_approve');
          if (rng.chance(0.1)) {
            status = 'suspended';
            return;
          }
          step(2000);
          push('resume');
        }
        if (rng.chance(0.05)) {
          step(30);
          push('extension_request');
          step(30);
          push(rng.chance(0.7) ? 'extension_approve' : 'extension_refuse');
        }
        scheduler();
        if (rng.chance(0.08)) return; // still in progress
        step(3000);
        push('handle', { stage: 'handle', overdue: late() });
        status = 'handled';
        if (rng.chance(0.1)) return;
        step(600);
        if (round < 2 && rng.chance(0.15)) {
          push('rework', { stage: 'verify', overdue: late() });
          status = 'in_progress';
          continue;
        }
        push('close', { stage: 'verify', overdue: late() });
        status = 'closed';
        return;
      }
    };
    walk();
    if (['closed', 'rejected', 'merged'].includes(status)) slaState = 'normal';
    cases.push({ key, kind, areaCodes, status, slaState });
  }
  events.sort((a, b) => (a.at as number) - (b.at as number));
  return { cases, events };
}
