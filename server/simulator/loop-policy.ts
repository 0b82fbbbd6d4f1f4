import type { CaseKind, CaseStatus, Severity } from '../protocol/vocab';
import { createRng, hashSeed, type Rng } from './random';

/**
 * What the simulated command centre does next with a case, and when: pure and
 * deterministic from (seed, case id, version), so a restarted simulator plans
 * exactly what it planned before, and a command is never taken twice.
 *
 * Delays are in simulated wall time from the moment the case entered its status:
 *
 *   reported    → 立案 register (≈ 97 %), 不予立案 reject (≈ 3 %, with a reason), or
 *                 合并 merge into its possible duplicate (≈ 90 % of flagged cases)
 *                 after a desk delay (median 3 min);
 *   registered,
 *   returned    → 派遣 dispatch to the nearest available responder (median 4 min), or
 *                 merge a possible duplicate that was not merged at registration;
 *   dispatched  → 接单 accept (≈ 98 %, median 5 min) or 回退 return (≈ 2 %, with a reason);
 *   in_progress → 处置反馈 handle after a share of the time the stage has (its due time
 *                 on the working calendar), median 35 % of it, the time counted at
 *                 most HANDLE_SPAN_CAP_MS: stages with days to run are compressed to
 *                 the demo's scale, short ones (emergencies: 1–4 h) are drawn around
 *                 their SLA;
 *   handled     → 核查 close (≈ 95 %) or 返工 rework (≈ 5 %, with a reason), median 8 min.
 *
 * In every stage a few cases are late (LATE_SHARE): they wait until 5–45 minutes
 * after their due time, so overdue cases exist — but only where the due time is
 * within LATE_HORIZON_MS, so a late draw never parks a case for days.
 */
export type LoopAction = 'register' | 'reject' | 'merge' | 'dispatch' | 'accept' | 'return' | 'handle' | 'close' | 'rework';

export interface LoopCase {
  id: number;
  kind: CaseKind;
  category: string;
  severity: Severity;
  status: CaseStatus;
  version: number;
  /** Simulated ms when the case entered its current version (report, or the last command). */
  enteredAt: number;
  /** The running stage's deadline (ms), when it has one. */
  dueAt: number | null;
  duplicateOf: number | null;
  /** A merge into `duplicateOf` was refused (the target had finished): register instead. */
  mergeRefused: boolean;
}

export interface LoopStep {
  action: LoopAction;
  at: number;
  /** This step was drawn to run past the stage's due time. */
  late: boolean;
  /** The command's payload besides `action` (dispatch targets are chosen when it runs). */
  payload: Record<string, string | number>;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const LOOP_SHARES = {
  reject: 0.03,
  mergeFlagged: 0.9,
  return: 0.02,
  rework: 0.05,
} as const;

/** Median and log-spread of each desk / field delay (lognormal). */
const DELAYS = {
  register: { median: 3 * MIN, sigma: 0.8 },
  dispatch: { median: 4 * MIN, sigma: 0.7 },
  accept: { median: 5 * MIN, sigma: 0.7 },
  verify: { median: 8 * MIN, sigma: 0.6 },
} as const;

/** Share of each stage drawn late (past the due time). */
export const LATE_SHARE = { register: 0.04, dispatch: 0.03, handle: 0.06, verify: 0.03 } as const;
export const LATE_HORIZON_MS = 2 * HOUR;
/** Handling time is drawn as a share of at most this much of the stage's time (demo scale). */
export const HANDLE_SPAN_CAP_MS = 60 * MIN;

const REJECT_REASONS = ['不属于受理范围', '信息不全，无法核实', '已由其他渠道受理'];
const RETURN_REASONS = ['非本人责任网格', '需专业部门处置', '现场无法找到上报位置'];
const REWORK_REASONS = ['现场复核未整改到位', '群众反映问题仍存在', '处置反馈材料不全'];
const HANDLE_NOTES = ['已现场处置完毕', '已协调相关单位整改完成', '已清理并恢复原状'];

function lognormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * rng.normal());
}

/** The case's own random stream for this version. */
function streamOf(seed: number, c: LoopCase): Rng {
  return createRng(hashSeed(seed, 'loop', c.id, c.version));
}

/** When a step of a stage runs: its drawn delay, or — drawn late — a little past the due time. */
function timing(rng: Rng, c: LoopCase, delay: number, lateShare: number): { at: number; late: boolean } {
  const late = rng.chance(lateShare);
  const onTime = c.enteredAt + Math.max(15_000, delay);
  if (late && c.dueAt !== null && c.dueAt - c.enteredAt <= LATE_HORIZON_MS) {
    return { at: Math.round(Math.max(onTime, c.dueAt + rng.range(5 * MIN, 45 * MIN))), late: true };
  }
  // On time means before the deadline: a long delay draw is pulled in under it.
  const at = c.dueAt !== null && onTime >= c.dueAt ? c.enteredAt + Math.max(15_000, (c.dueAt - c.enteredAt) * 0.9) : onTime;
  return { at: Math.round(at), late: false };
}

/** The next step of a case, or null when the loop does not move it (finished, suspended). */
export function nextStep(seed: number, c: LoopCase): LoopStep | null {
  const rng = streamOf(seed, c);
  switch (c.status) {
    case 'reported': {
      const t = timing(rng, c, lognormal(rng, DELAYS.register.median, DELAYS.register.sigma), LATE_SHARE.register);
      if (c.duplicateOf !== null && !c.mergeRefused && rng.chance(LOOP_SHARES.mergeFlagged)) {
        return { action: 'merge', ...t, payload: { into: c.duplicateOf, note: '同一事件重复上报，合并办理' } };
      }
      if (rng.chance(LOOP_SHARES.reject)) return { action: 'reject', ...t, payload: { reason: rng.pick(REJECT_REASONS) } };
      return { action: 'register', ...t, payload: {} };
    }
    case 'registered':
    case 'returned': {
      const t = timing(rng, c, lognormal(rng, DELAYS.dispatch.median, DELAYS.dispatch.sigma), LATE_SHARE.dispatch);
      // A duplicate noticed only when dispatching is merged then.
      if (c.duplicateOf !== null && !c.mergeRefused && rng.chance(LOOP_SHARES.mergeFlagged)) {
        return { action: 'merge', ...t, payload: { into: c.duplicateOf, note: '同一事件重复上报，合并办理' } };
      }
      return { action: 'dispatch', ...t, payload: {} };
    }
    case 'dispatched': {
      // Accepting keeps the handling clock, so it is never drawn late on purpose.
      const t = timing(rng, c, lognormal(rng, DELAYS.accept.median, DELAYS.accept.sigma), 0);
      if (rng.chance(LOOP_SHARES.return)) return { action: 'return', ...t, payload: { reason: rng.pick(RETURN_REASONS) } };
      return { action: 'accept', ...t, payload: {} };
    }
    case 'in_progress': {
      const span = c.dueAt !== null ? Math.max(MIN, c.dueAt - c.enteredAt) : HANDLE_SPAN_CAP_MS;
      const share = Math.min(2, Math.exp(Math.log(0.35) + 0.55 * rng.normal()));
      const t = timing(rng, c, share * Math.min(span, HANDLE_SPAN_CAP_MS), LATE_SHARE.handle);
      return { action: 'handle', ...t, payload: { note: rng.pick(HANDLE_NOTES) } };
    }
    case 'handled': {
      const t = timing(rng, c, lognormal(rng, DELAYS.verify.median, DELAYS.verify.sigma), LATE_SHARE.verify);
      if (rng.chance(LOOP_SHARES.rework)) return { action: 'rework', ...t, payload: { reason: rng.pick(REWORK_REASONS) } };
      return { action: 'close', ...t, payload: {} };
    }
    default:
      return null;
  }
}

/** The command id of a step: one per (case, version, action), so a retry or a restart never applies it twice. */
export function commandIdOf(c: Pick<LoopCase, 'id' | 'version'>, action: LoopAction): string {
  return `sim:${c.id}:${c.version}:${action}`;
}
