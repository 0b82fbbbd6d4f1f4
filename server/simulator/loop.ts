import type { Runner } from '../../db/client';
import { nearestResponders, openSimulatedCases, simulatedCase, type LoopCaseRow } from '../../db/queries/loop-cases';
import { scopeOf } from '../../db/scope';
import type { Role } from '../../db/vocab';
import { departmentOf } from '../domain/departments';
import { AppError } from '../errors';
import { systemCommandBy, type CaseCommandService, type CommandBy } from '../services/case-commands';
import type { CaseEventData } from '../protocol/wire';
import { commandIdOf, nextStep, type LoopAction, type LoopCase, type LoopStep } from './loop-policy';

/**
 * The simulated command centre: desk staff who register, reject, merge, dispatch
 * and verify, and grid workers who accept, return and handle — every one of them a
 * command through CaseCommandService (the same path as a person's), so each move
 * writes its case_events, audit and feed rows and the wall sees it.
 *
 * The plan lives in memory but is only a cache: what to do next with a case, and
 * when, follows from (seed, case id, version) and the instant the case entered that
 * version (loop-policy.ts), all of which the database holds. A restarted loop
 * reloads the open simulated cases and plans the same steps; command ids are
 * (case, version, action), so a command that was applied before the restart is
 * answered from its idempotency record, never applied twice.
 *
 * Work per tick is bounded (maxCommandsPerTick), oldest due step first, so a
 * backlog (after downtime, or an old database) drains steadily.
 */
export interface CaseLoopOptions {
  seed: number;
  /** Commands per tick at most (default 40: the demo peak needs about 5 a second). */
  maxCommandsPerTick?: number;
  /** New simulated cases read per tick at most. */
  maxNewPerTick?: number;
}

export interface CaseLoopStats {
  commands: number;
  byAction: Partial<Record<LoopAction, number>>;
  /** Commands run after the stage's due time (drawn late, or a backlog). */
  late: number;
  /** Commands refused or in conflict (someone else moved the case): the case was reloaded. */
  refused: number;
  /** Cases the loop is following now. */
  open: number;
}

interface Entry extends LoopCase {
  topic: string | null;
  lng: number;
  lat: number;
  root: string;
  assigneeId: number | null;
  step: LoopStep | null;
  /** With no step (suspended: a person's business), when to read the case again. */
  recheckAt: number;
  /** Responders who returned this case: not dispatched to again. */
  returnedBy: number[];
}

const DEFAULT_MAX_COMMANDS = 40;
const DEFAULT_MAX_NEW = 5_000;
/** Nearest responders considered per dispatch; the least loaded of them is chosen. */
const NEAREST = 6;
/** A responder with this many open cases is busy: a farther one is preferred. */
const BUSY_WORKLOAD = 3;
/** 城管局: where a case goes when its category names no department and no grid worker is on duty near it. */
const FALLBACK_DEPARTMENT = 'cgj';
/** A step refused for a reason the plan cannot see is tried again this much later; a suspended case is read again as often. */
const RETRY_MS = 10 * 60_000;
const RECHECKS_PER_TICK = 20;

/** Codes of refusals after which the case is reloaded (someone else moved it, or the plan was stale). */
const RELOAD_ON = new Set(['VERSION_CONFLICT', 'COMMAND_ID_REUSED', 'TRANSITION_REFUSED', 'NOT_FOUND', 'INVALID_REFERENCE', 'FORBIDDEN']);

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class CaseLoop {
  readonly stats: CaseLoopStats = { commands: 0, byAction: {}, late: 0, refused: 0, open: 0 };
  private readonly entries = new Map<number, Entry>();
  private readonly actors = new Map<string, CommandBy>();
  private readonly maxCommands: number;
  private readonly maxNew: number;
  private lastId = 0;
  private lastTickAt: number | null = null;

  constructor(
    private readonly db: Runner,
    private readonly commands: Pick<CaseCommandService, 'apply'>,
    private readonly options: CaseLoopOptions,
  ) {
    this.maxCommands = options.maxCommandsPerTick ?? DEFAULT_MAX_COMMANDS;
    this.maxNew = options.maxNewPerTick ?? DEFAULT_MAX_NEW;
  }

  /**
   * One step at simulated `now`: reads new simulated reports, then runs the due
   * steps, oldest first, up to `maxCommands` (a case may take several steps in one
   * tick when its delays are shorter than the tick). A command is stamped at its
   * planned instant when that lies within this tick, else at the tick's start.
   */
  async tick(now: number, maxCommands = this.maxCommands): Promise<number> {
    const windowStart = this.lastTickAt === null ? now : Math.min(now, this.lastTickAt);
    this.lastTickAt = now;
    await this.discover();
    await this.recheck(now);
    let done = 0;
    while (done < maxCommands) {
      const due = this.dueSteps(now, maxCommands - done);
      if (due.length === 0) break;
      const targets = await this.dispatchTargets(due.filter((e) => e.step!.action === 'dispatch'));
      for (const entry of due) {
        await this.run(entry, Math.max(entry.step!.at, windowStart), targets.get(entry.id) ?? null);
        done++;
        // PGlite answers on this thread, in promise callbacks only: without a macrotask turn between
        // commands, a tick's chain of transactions would hold off HTTP and socket I/O until it ends.
        await yieldToEventLoop();
      }
    }
    this.stats.open = this.entries.size;
    return done;
  }

  /** Cases the loop follows, by status (for tests and logs). */
  openByStatus(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries.values()) counts[e.status] = (counts[e.status] ?? 0) + 1;
    return counts;
  }

  private async discover(): Promise<void> {
    for (;;) {
      const rows = await openSimulatedCases(this.db, this.lastId, this.maxNew);
      for (const row of rows) this.track(row);
      if (rows.length > 0) this.lastId = rows.at(-1)!.id;
      if (rows.length < this.maxNew) return;
    }
  }

  private track(row: LoopCaseRow, returnedBy: number[] = []): void {
    if (row.status === 'closed' || row.status === 'rejected' || row.status === 'merged') {
      this.entries.delete(row.id);
      return;
    }
    const entry: Entry = {
      id: row.id,
      kind: row.kind,
      category: row.category,
      topic: row.topic,
      severity: row.severity,
      status: row.status,
      version: row.version,
      enteredAt: row.enteredAtMs,
      dueAt: row.dueAtMs,
      duplicateOf: row.duplicateOf,
      mergeRefused: this.entries.get(row.id)?.mergeRefused ?? false,
      lng: row.lng,
      lat: row.lat,
      root: row.root,
      assigneeId: row.assigneeId,
      step: null,
      recheckAt: row.enteredAtMs + RETRY_MS,
      returnedBy,
    };
    entry.step = nextStep(this.options.seed, entry);
    this.entries.set(row.id, entry);
  }

  /** Cases the loop does not move (suspended by a person) are read again now and then, to see whether they were resumed. */
  private async recheck(now: number): Promise<void> {
    const stale = [...this.entries.values()].filter((e) => e.step === null && e.recheckAt <= now).slice(0, RECHECKS_PER_TICK);
    for (const entry of stale) {
      const row = await simulatedCase(this.db, entry.id);
      if (!row) this.entries.delete(entry.id);
      else this.track({ ...row, enteredAtMs: row.version === entry.version ? now : row.enteredAtMs }, entry.returnedBy);
    }
  }

  private dueSteps(now: number, limit: number): Entry[] {
    const due: Entry[] = [];
    for (const entry of this.entries.values()) if (entry.step && entry.step.at <= now) due.push(entry);
    due.sort((a, b) => a.step!.at - b.step!.at || a.id - b.id);
    return due.slice(0, limit);
  }

  /** The grid worker each dispatch goes to: the nearest on duty that is not busy (else the least loaded), never one who returned it. */
  private async dispatchTargets(entries: Entry[]): Promise<Map<number, number>> {
    const nearby = await nearestResponders(
      this.db,
      entries.map((e) => ({ key: e.id, lng: e.lng, lat: e.lat })),
      NEAREST,
    );
    const byCase = new Map<number, typeof nearby>();
    for (const r of nearby) byCase.set(r.key, [...(byCase.get(r.key) ?? []), r]);
    const added = new Map<number, number>();
    const targets = new Map<number, number>();
    for (const entry of entries) {
      const candidates = (byCase.get(entry.id) ?? []).filter((r) => !entry.returnedBy.includes(r.id));
      const load = (id: number, workload: number) => workload + (added.get(id) ?? 0);
      const free = candidates.find((r) => load(r.id, r.workload) < BUSY_WORKLOAD);
      const pick = free ?? [...candidates].sort((a, b) => load(a.id, a.workload) - load(b.id, b.workload))[0];
      if (!pick) continue;
      targets.set(entry.id, pick.id);
      added.set(pick.id, (added.get(pick.id) ?? 0) + 1);
    }
    return targets;
  }

  private async run(entry: Entry, at: number, assigneeId: number | null): Promise<void> {
    const step = entry.step!;
    const payload: Record<string, unknown> = { ...step.payload };
    if (step.action === 'dispatch') {
      // To the category's department (专业部门) and the nearest grid worker on duty; with neither, to city management.
      const department = departmentOf(entry.kind, entry.category, entry.topic)?.code ?? (assigneeId === null ? FALLBACK_DEPARTMENT : null);
      if (department !== null) payload.department = department;
      if (assigneeId !== null) payload.assigneeId = assigneeId;
    }
    const by = this.actorFor(entry, step.action);
    try {
      const result = await this.commands.apply(
        by,
        { caseId: entry.id, expectedVersion: entry.version, commandId: commandIdOf(entry, step.action), command: { action: step.action, ...payload } },
        { now: at },
      );
      this.count(step.action, entry.dueAt !== null && at > entry.dueAt);
      this.follow(entry, result.case, at);
    } catch (error) {
      if (!(error instanceof AppError) || !RELOAD_ON.has(error.code)) throw error;
      this.stats.refused++;
      // A merge into a case that has finished meanwhile: the desk registers it instead.
      const mergeRefused = step.action === 'merge' && error.code === 'INVALID_REFERENCE';
      if (mergeRefused) entry.mergeRefused = true;
      await this.reload(entry, mergeRefused);
    }
  }

  /** The case as the command left it: the next step is planned from its new version. */
  private follow(entry: Entry, data: CaseEventData, at: number): void {
    const returnedBy = entry.step?.action === 'return' && entry.assigneeId !== null ? [...entry.returnedBy, entry.assigneeId] : entry.returnedBy;
    this.track(
      {
        id: data.id,
        kind: data.kind,
        category: data.category,
        topic: data.topic,
        severity: data.severity,
        status: data.status,
        version: data.version,
        lng: entry.lng,
        lat: entry.lat,
        root: entry.root,
        assigneeId: data.assigneeId,
        duplicateOf: data.duplicateOf,
        enteredAtMs: at,
        dueAtMs: data.sla?.dueAt ? Date.parse(data.sla.dueAt) : null,
      },
      returnedBy,
    );
  }

  /** Reads the case again after a refusal; refused at the same version (a rule the plan did not foresee), it waits RETRY_MS. */
  private async reload(entry: Entry, replanned: boolean): Promise<void> {
    const row = await simulatedCase(this.db, entry.id);
    if (!row) {
      this.entries.delete(entry.id);
      return;
    }
    this.track(row, entry.returnedBy);
    const fresh = this.entries.get(entry.id);
    if (!replanned && fresh?.step && fresh.version === entry.version) {
      fresh.step = { ...fresh.step, at: Math.max(fresh.step.at, (this.lastTickAt ?? 0) + RETRY_MS) };
    }
  }

  private count(action: LoopAction, late: boolean): void {
    this.stats.commands++;
    this.stats.byAction[action] = (this.stats.byAction[action] ?? 0) + 1;
    if (late) this.stats.late++;
  }

  /** Desk staff for desk actions; the assigned grid worker for field work (the desk acts for a department without one). */
  private actorFor(entry: Entry, action: LoopAction): CommandBy {
    const field = action === 'accept' || action === 'return' || action === 'handle';
    const worker = field && entry.assigneeId !== null ? entry.assigneeId : null;
    const role: Role = worker !== null ? 'grid_worker' : 'dispatcher';
    const key = `${entry.root}:${role}:${worker ?? ''}`;
    let by = this.actors.get(key);
    if (!by) {
      by = systemCommandBy(worker !== null ? 'simulator:worker' : 'simulator:desk', role, worker, scopeOf(entry.root));
      this.actors.set(key, by);
    }
    return by;
  }
}
