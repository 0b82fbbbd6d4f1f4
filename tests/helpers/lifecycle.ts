import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

/**
 * Helpers for case-lifecycle tests: responders linked to logins, and the row
 * counts every accepted command must raise by exactly one (and a refusal by none).
 */
export async function insertResponder(database: Database, code: string, options: { userLogin?: string; gridCode?: string } = {}): Promise<number> {
  // A grid worker's account is linked to a responder when it is made (server/auth/responder-link.ts): this one takes the link over.
  if (options.userLogin) {
    await database.rows(sql`UPDATE responders SET user_id = NULL WHERE user_id = (SELECT id FROM users WHERE lower(login) = lower(${options.userLogin}))`);
  }
  const [row] = await database.rows<{ id: number }>(sql`
    INSERT INTO responders (code, name, role, department, home_grid_id, user_id)
    VALUES (${code}, ${`响应人 ${code}`}, 'grid_worker', 'test',
            (SELECT id FROM areas WHERE code = ${options.gridCode ?? null}),
            (SELECT id FROM users WHERE lower(login) = lower(${options.userLogin ?? null})))
    RETURNING id`);
  return row!.id;
}

export interface WriteCounts {
  /** Sum of every case's version: rises by one per accepted command, whichever case. */
  versions: number;
  events: number;
  /** case_events rows that record a transition (they carry a version and a command id). */
  transitions: number;
  audit: number;
  feed: number;
  updates: number;
  commands: number;
}

export async function countWrites(database: Database): Promise<WriteCounts> {
  const [row] = await database.rows<WriteCounts>(sql`
    SELECT (SELECT coalesce(sum(version), 0)::int FROM cases) AS versions,
           (SELECT count(*)::int FROM case_events) AS events,
           (SELECT count(*)::int FROM case_events WHERE command_id IS NOT NULL AND version IS NOT NULL) AS transitions,
           (SELECT count(*)::int FROM audit_log WHERE action LIKE 'case.%') AS audit,
           (SELECT count(*)::int FROM feed) AS feed,
           (SELECT count(*)::int FROM feed WHERE topic = 'case.updated') AS updates,
           (SELECT count(*)::int FROM case_commands) AS commands`);
  return row!;
}

/** What one accepted command adds: one version step, one transition, one audit row, one feed row, one command record. */
export function plusOneCommand(before: WriteCounts, events: number): WriteCounts {
  return {
    versions: before.versions + 1,
    events: before.events + events,
    transitions: before.transitions + 1,
    audit: before.audit + 1,
    feed: before.feed + 1,
    updates: before.updates + 1,
    commands: before.commands + 1,
  };
}
