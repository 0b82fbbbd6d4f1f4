import { INCIDENT_CATEGORIES } from '../../server/domain/categories';
import { addWorkingTime, buildCalendar, chineseDaysYears, slaView, timeLimitSchema, type StageClock, type TimeLimit } from '../../server/domain/sla';

/**
 * Deadline computation per case on the working calendar, beside the bare floor in
 * the same run: `new Date(t + ms)`, what the clock-hour approximation costs. Report
 * times are spread over 2026 (holidays, make-up days, after-hours reports) and the
 * limits are the demo categories' own (2 working hours … 15 working days).
 */
export interface DeadlineResult {
  target: string;
  count: number;
  totalMs: number;
  perCaseUs: number;
}

export function benchDeadlines(options: { count: number }): DeadlineResult[] {
  const { count } = options;
  const calendar = buildCalendar(chineseDaysYears());
  const limits: TimeLimit[] = [...INCIDENT_CATEGORIES.values()].map((c) => timeLimitSchema.parse(c.limit));
  const yearStart = Date.parse('2026-01-01T00:00:00+08:00');
  // A fixed pseudo-random spread (LCG): the same inputs every run.
  const starts = new Float64Array(count);
  let seed = 12345;
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    starts[i] = yearStart + (seed % (330 * 24 * 60)) * 60_000;
  }
  const limitMs = limits.map((l) => ('hours' in l ? l.hours : 'workHours' in l ? l.workHours : l.workDays * 24) * 3_600_000);

  let sink = 0;
  const pass = (work: (i: number) => number) => {
    const started = performance.now();
    for (let i = 0; i < count; i++) sink += work(i);
    return performance.now() - started;
  };

  const clock = (i: number): StageClock => ({
    stage: 'handle',
    startedAt: starts[i]!,
    pauses: [{ from: starts[i]! + 3_600_000, to: starts[i]! + 50 * 3_600_000 }],
    extensions: [{ workDays: 1 }],
  });
  const clocks = Array.from({ length: count }, (_, i) => clock(i));

  const targets: Array<[string, (i: number) => number]> = [
    ['bare new Date(t + ms)', (i) => new Date(starts[i]! + limitMs[i % limitMs.length]!).getTime()],
    ['addWorkingTime (category limit)', (i) => addWorkingTime(starts[i]!, limits[i % limits.length]!, calendar).at.getTime()],
    ['slaView (pause + extension)', (i) => slaView(clocks[i]!, limits[i % limits.length]!, starts[i]! + 80 * 3_600_000, calendar).remainingMs],
  ];
  // Rounds interleave the targets so JIT warm-up, GC and other engineers' load fall on all of them;
  // each target reports its median round.
  const rounds = 5;
  const times = targets.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) targets.forEach(([, work], t) => times[t]!.push(pass(work)));
  if (sink === 42) console.log('');
  return targets.map(([target], t) => {
    const totalMs = times[t]!.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
    return { target, count, totalMs, perCaseUs: (totalMs * 1000) / count };
  });
}
