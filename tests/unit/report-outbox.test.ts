import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  MAX_REBASES,
  newCommandItem,
  newReportItem,
  RETRY_MAX_MS,
  type ApiResult,
  type CaseLike,
  type OutboxApi,
  type OutboxItem,
  type OutboxPhoto,
  type ReportBody,
} from '../../app/report/outbox';
import { OutboxRunner, type OutboxStorage } from '../../app/report/outbox-runner';

/**
 * The outbox against a fake server that keeps the real server's promises:
 * POST /api/cases is idempotent on externalId, a command on its commandId
 * (fingerprint: case, action, payload, photos — not expectedVersion), and an
 * unattached upload of the same bytes by the same user returns the same photo.
 * The network between them can be up, down (nothing arrives) or lossy (the
 * request is applied, the answer lost).
 */
type Link = 'up' | 'down' | 'lose-answer';

class FakeServer implements OutboxApi {
  link: Link = 'up';
  /** Per call, overrides `link` (consumed in order). */
  script: Link[] = [];
  cases = new Map<string, CaseLike & { photos: string[]; reportedAt?: string }>();
  photos = new Map<string, { sha: string; caseId: number | null }>();
  commands = new Map<string, { fingerprint: string; case: CaseLike }>();
  calls: string[] = [];
  /** A 4xx to answer the next create with (once). */
  refuseNextCreate: { status: number; code: string; details?: unknown } | null = null;
  /** The server's clock is this far behind the phone's. */
  clockBehindMs = 0;
  private nextCaseId = 1;
  private nextPhoto = 1;

  private link$(): Link {
    return this.script.shift() ?? this.link;
  }

  private answer<T>(link: Link, apply: () => ApiResult<T>): ApiResult<T> {
    if (link === 'down') return { ok: false, network: true };
    const result = apply();
    return link === 'lose-answer' ? { ok: false, network: true } : result;
  }

  async uploadPhoto(blob: Blob): Promise<ApiResult<{ photo: { id: string } }>> {
    this.calls.push('upload');
    const sha = await blob.text();
    return this.answer(this.link$(), () => {
      const existing = [...this.photos].find(([, p]) => p.sha === sha && p.caseId === null);
      if (existing) return { ok: true, status: 200, body: { photo: { id: existing[0] } } };
      const id = `00000000-0000-4000-8000-${String(this.nextPhoto++).padStart(12, '0')}`;
      this.photos.set(id, { sha, caseId: null });
      return { ok: true, status: 201, body: { photo: { id } } };
    });
  }

  async createCase(body: ReportBody & { photos?: string[] }): Promise<ApiResult<{ case: CaseLike; created: boolean }>> {
    this.calls.push('create');
    return this.answer<{ case: CaseLike; created: boolean }>(this.link$(), () => {
      if (this.refuseNextCreate) {
        const { status, code, details } = this.refuseNextCreate;
        this.refuseNextCreate = null;
        return { ok: false, network: false, status, code, message: code, details: details ?? null, retryAfterMs: null };
      }
      if (body.reportedAt && Date.parse(body.reportedAt) > Date.now() - this.clockBehindMs + 5 * 60_000) {
        return { ok: false, network: false, status: 400, code: 'VALIDATION_FAILED', message: 'reportedAt is in the future', details: [{ path: 'reportedAt', message: 'future' }], retryAfterMs: null };
      }
      const existing = this.cases.get(body.externalId);
      if (existing) return { ok: true, status: 200, body: { case: existing, created: false } };
      for (const id of body.photos ?? []) {
        if (this.photos.get(id)?.caseId !== null) {
          return { ok: false, network: false, status: 422, code: 'PHOTO_NOT_ATTACHABLE', message: 'no', details: null, retryAfterMs: null };
        }
      }
      const created = { id: this.nextCaseId++, status: 'reported', version: 1, assigneeId: null, photos: body.photos ?? [], reportedAt: body.reportedAt };
      for (const id of created.photos) this.photos.get(id)!.caseId = created.id;
      this.cases.set(body.externalId, created);
      return { ok: true, status: 201, body: { case: created, created: true } };
    });
  }

  async transition(caseId: number, body: { action: string; expectedVersion: number; commandId: string; photos?: string[]; note?: string; reason?: string }) {
    this.calls.push(`transition:${body.action}`);
    return this.answer<{ case: CaseLike; replayed: boolean }>(this.link$(), () => {
      const { expectedVersion: _v, commandId, ...command } = body;
      const fingerprint = JSON.stringify({ caseId, ...command });
      const stored = this.commands.get(commandId);
      if (stored) {
        if (stored.fingerprint !== fingerprint) return { ok: false, network: false, status: 409, code: 'COMMAND_ID_REUSED', message: '', details: null, retryAfterMs: null };
        return { ok: true, status: 200, body: { case: stored.case, replayed: true } };
      }
      const row = [...this.cases.values()].find((c) => c.id === caseId)!;
      if (row.version !== body.expectedVersion) {
        return { ok: false, network: false, status: 409, code: 'VERSION_CONFLICT', message: '', details: { current: { ...row } }, retryAfterMs: null };
      }
      const next: Record<string, string> = { accept: 'in_progress', handle: 'handled', return: 'returned' };
      const from: Record<string, string> = { accept: 'dispatched', handle: 'in_progress', return: 'dispatched' };
      if (row.status !== from[body.action]) return { ok: false, network: false, status: 409, code: 'TRANSITION_REFUSED', message: '', details: null, retryAfterMs: null };
      row.status = next[body.action]!;
      row.version += 1;
      for (const id of body.photos ?? []) this.photos.get(id)!.caseId = row.id;
      this.commands.set(commandId, { fingerprint, case: { ...row } });
      return { ok: true, status: 200, body: { case: { ...row }, replayed: false } };
    });
  }

  /** A case dispatched to responder 7, as a desk would leave it. */
  dispatchedCase(): number {
    const created = { id: this.nextCaseId++, status: 'dispatched', version: 3, assigneeId: 7, photos: [] };
    this.cases.set(`desk-${created.id}`, created);
    return created.id;
  }

  caseById(id: number) {
    return [...this.cases.values()].find((c) => c.id === id)!;
  }
}

class MemoryStorage implements OutboxStorage {
  readonly map = new Map<string, OutboxItem>();
  puts: OutboxItem[] = [];
  async list(login: string) {
    return [...this.map.values()].filter((i) => i.login === login).map((i) => structuredClone(i));
  }
  async put(item: OutboxItem) {
    this.puts.push(structuredClone(item));
    this.map.set(`${item.login}|${item.id}`, structuredClone(item));
  }
  async remove(login: string, id: string) {
    this.map.delete(`${login}|${id}`);
  }
}

/** A clock the test moves by hand; timers fire only when it says so. */
class ManualTime {
  now = Date.parse('2026-11-24T04:00:00Z');
  timers: Array<{ at: number; fn: () => void }> = [];
  options = {
    now: () => this.now,
    random: () => 0.5,
    setTimer: (fn: () => void, ms: number) => {
      const timer = { at: this.now + ms, fn };
      this.timers.push(timer);
      return timer;
    },
    clearTimer: (timer: unknown) => {
      this.timers = this.timers.filter((t) => t !== timer);
    },
  };
  /** Moves the clock to the next timer and fires it. */
  fireNext(): boolean {
    this.timers.sort((a, b) => a.at - b.at);
    const timer = this.timers.shift();
    if (!timer) return false;
    this.now = Math.max(this.now, timer.at);
    timer.fn();
    return true;
  }
}

let photoSeq = 0;
function photo(content = `bytes-${++photoSeq}`): OutboxPhoto {
  return { key: `p${photoSeq}`, blob: new Blob([content], { type: 'image/jpeg' }), mediaType: 'image/jpeg', uploadedId: null };
}

function report(externalId: string, time: ManualTime, extra: Partial<ReportBody> = {}): ReportBody {
  return {
    kind: 'incident',
    channel: 'grid_worker',
    externalId,
    category: '0102',
    severity: 'Moderate',
    description: '垃圾堆积',
    location: { type: 'Point', coordinates: [106.71, 26.57] },
    reportedAt: new Date(time.now).toISOString(),
    ...extra,
  };
}

function setup() {
  const server = new FakeServer();
  const storage = new MemoryStorage();
  const time = new ManualTime();
  const runner = new OutboxRunner(storage, server, 'nm-grid', time.options);
  return { server, storage, time, runner };
}

describe('outbox: a report made with no network', () => {
  it('is kept while offline and delivered exactly once when the network returns', async () => {
    const { server, storage, time, runner } = setup();
    server.link = 'down';
    const outcome = await runner.submit(newReportItem('nm-grid', report('r-1', time), [photo()], time.now));
    expect(outcome.kind).toBe('queued');
    expect(storage.map.size).toBe(1);
    expect(runner.getItems().map((i) => i.id)).toEqual(['r-1']);
    expect(server.cases.size).toBe(0);

    // Backoff retries while still offline: nothing is lost, nothing arrives.
    expect(time.fireNext()).toBe(true);
    await runner.idle();
    expect(storage.map.size).toBe(1);
    expect(runner.getItems()[0]!.attempts).toBe(2);

    server.link = 'up';
    runner.kick(true); // the browser's online event
    await runner.idle();
    expect(server.cases.size).toBe(1);
    expect(server.cases.get('r-1')!.photos).toHaveLength(1);
    expect(storage.map.size).toBe(0);
    expect(runner.getItems()).toEqual([]);
  });

  it('stays one case when the answer is lost after the server stored it', async () => {
    const { server, storage, time, runner } = setup();
    // upload ok, create applied but its answer lost, then everything fine.
    server.script = ['up', 'lose-answer'];
    const outcome = await runner.submit(newReportItem('nm-grid', report('r-2', time), [photo()], time.now));
    expect(outcome.kind).toBe('queued');
    expect(server.cases.size).toBe(1);
    runner.kick(true);
    await runner.idle();
    expect(server.cases.size).toBe(1);
    expect(storage.map.size).toBe(0);
    // The photo went up once: its id was saved in the item before the report was sent.
    expect(server.calls.filter((c) => c === 'upload')).toHaveLength(1);
    expect(server.photos.size).toBe(1);
  });

  it('saves each uploaded photo id before sending the report', async () => {
    const { server, storage, time, runner } = setup();
    await runner.submit(newReportItem('nm-grid', report('r-3', time), [photo(), photo()], time.now));
    const savedWithIds = storage.puts.filter((p) => p.photos.every((ph) => ph.uploadedId !== null));
    expect(savedWithIds.length).toBeGreaterThan(0);
    expect(server.calls).toEqual(['upload', 'upload', 'create']);
    expect(server.cases.get('r-3')!.photos).toEqual(savedWithIds.at(-1)!.photos.map((p) => p.uploadedId));
  });

  it('a network drop between the upload and the report re-sends the same photo ids', async () => {
    const { server, time, runner } = setup();
    server.script = ['up', 'down'];
    await runner.submit(newReportItem('nm-grid', report('r-4', time), [photo()], time.now));
    expect(server.photos.size).toBe(1);
    runner.kick(true);
    await runner.idle();
    expect(server.calls).toEqual(['upload', 'create', 'create']);
    expect(server.cases.get('r-4')!.photos).toEqual([...server.photos.keys()]);
  });

  it('sends a report without its own time when the phone clock runs ahead of the server', async () => {
    const { server, time, runner } = setup();
    server.clockBehindMs = 10 * 60_000;
    const outcome = await runner.submit(newReportItem('nm-grid', report('r-5', time, { reportedAt: new Date(Date.now()).toISOString() }), [], time.now));
    expect(outcome.kind).toBe('delivered');
    expect(server.cases.get('r-5')!.reportedAt).toBeUndefined();
  });

  it('keeps a refused report, marked failed, until the worker retries or discards it', async () => {
    const { server, storage, time, runner } = setup();
    server.refuseNextCreate = { status: 422, code: 'OUTSIDE_JURISDICTION' };
    const outcome = await runner.submit(newReportItem('nm-grid', report('r-6', time), [], time.now));
    expect(outcome.kind).toBe('failed');
    expect(outcome.item.error?.code).toBe('OUTSIDE_JURISDICTION');
    expect(storage.map.get('nm-grid|r-6')?.state).toBe('failed');
    // Not retried by itself.
    expect(time.timers).toHaveLength(0);
    await runner.retry('r-6');
    await runner.idle();
    expect(server.cases.size).toBe(1);
    expect(storage.map.size).toBe(0);

    server.refuseNextCreate = { status: 400, code: 'VALIDATION_FAILED' };
    await runner.submit(newReportItem('nm-grid', report('r-7', time), [], time.now));
    await runner.discard('r-7');
    expect(storage.map.size).toBe(0);
    expect(server.cases.size).toBe(1);
  });

  it('keeps a report whose session ended (401) pending, to go after the next sign-in', async () => {
    const { server, storage, time, runner } = setup();
    server.refuseNextCreate = { status: 401, code: 'UNAUTHENTICATED' };
    const outcome = await runner.submit(newReportItem('nm-grid', report('r-401', time), [], time.now));
    expect(outcome.kind).toBe('queued');
    expect(storage.map.get('nm-grid|r-401')?.state).toBe('pending');
    runner.kick(true);
    await runner.idle();
    expect(server.cases.size).toBe(1);
  });

  it('uploads the photos again, once, when their saved ids were pruned meanwhile', async () => {
    const { server, time, runner } = setup();
    server.script = ['up', 'down'];
    await runner.submit(newReportItem('nm-grid', report('r-8', time), [photo('same')], time.now));
    // The server pruned the abandoned upload while the phone was away.
    server.photos.clear();
    server.photos.set('gone', { sha: 'x', caseId: 99 });
    runner.kick(true);
    await runner.idle();
    expect(server.cases.get('r-8')?.photos).toHaveLength(1);
    expect(server.calls).toEqual(['upload', 'create', 'create', 'upload', 'create']);
  });

  it('keeps the queues of two logins on one phone apart', async () => {
    const { server, storage, time } = setup();
    server.link = 'down';
    const a = new OutboxRunner(storage, server, 'worker-a', time.options);
    const b = new OutboxRunner(storage, server, 'worker-b', time.options);
    await a.submit(newReportItem('worker-a', report('a-1', time), [], time.now));
    await b.load();
    expect(b.getItems()).toEqual([]);
  });
});

describe('outbox: commands (接单, 处置反馈, 回退)', () => {
  it('a 处置反馈 with a photo made offline is delivered once; a replay after a lost answer changes nothing', async () => {
    const { server, storage, time, runner } = setup();
    const caseId = server.dispatchedCase();
    server.caseById(caseId).status = 'in_progress';
    server.link = 'down';
    const item = newCommandItem('nm-grid', 'cmd-handle-1', { caseId, caseLabel: '垃圾', expectedVersion: 3, responderId: 7 }, { action: 'handle', note: '已清理' }, [photo()], time.now);
    expect((await runner.submit(item)).kind).toBe('queued');
    server.link = 'up';
    server.script = ['up', 'lose-answer'];
    runner.kick(true);
    await runner.idle();
    expect(server.caseById(caseId)).toMatchObject({ status: 'handled', version: 4 });
    runner.kick(true);
    await runner.idle();
    expect(server.caseById(caseId).version).toBe(4);
    expect(server.commands.size).toBe(1);
    expect(storage.map.size).toBe(0);
    expect(server.photos.size).toBe(1);
  });

  it('a 接单 queued before a 处置反馈 goes first; the 处置反馈 re-bases on the version the 接单 made', async () => {
    const { server, time, runner } = setup();
    const caseId = server.dispatchedCase();
    server.link = 'down';
    const target = { caseId, caseLabel: 'x', expectedVersion: 3, responderId: 7 };
    await runner.submit(newCommandItem('nm-grid', 'cmd-accept', target, { action: 'accept' }, [], time.now));
    time.now += 1;
    await runner.submit(newCommandItem('nm-grid', 'cmd-handle', target, { action: 'handle', note: '处理完毕' }, [], time.now));
    server.link = 'up';
    server.calls = [];
    runner.kick(true);
    await runner.idle();
    expect(server.calls.filter((c) => c.startsWith('transition'))).toEqual(['transition:accept', 'transition:handle', 'transition:handle']);
    expect(server.caseById(caseId)).toMatchObject({ status: 'handled', version: 5 });
    expect(runner.getItems()).toEqual([]);
  });

  it('does not re-base onto a case that was reassigned or finished: it fails and waits for the worker', async () => {
    const { server, time, runner } = setup();
    const caseId = server.dispatchedCase();
    server.caseById(caseId).status = 'in_progress';
    const target = { caseId, caseLabel: 'x', expectedVersion: 3, responderId: 7 };
    // Meanwhile the desk re-dispatched it to someone else.
    Object.assign(server.caseById(caseId), { version: 5, assigneeId: 8, status: 'dispatched' });
    const outcome = await runner.submit(newCommandItem('nm-grid', 'cmd-h', target, { action: 'handle', note: '完成' }, [], time.now));
    expect(outcome.kind).toBe('failed');
    expect(outcome.item.error?.code).toBe('VERSION_CONFLICT');
    expect(server.caseById(caseId).version).toBe(5);
  });

  it('re-bases at most MAX_REBASES times', async () => {
    const { server, time, runner } = setup();
    const caseId = server.dispatchedCase();
    server.caseById(caseId).status = 'in_progress';
    // A server whose case moves on under every attempt.
    const original = server.transition.bind(server);
    server.transition = async (id, body) => {
      server.caseById(caseId).version += 1;
      return original(id, body);
    };
    const outcome = await runner.submit(newCommandItem('nm-grid', 'cmd-r', { caseId, caseLabel: 'x', expectedVersion: 3, responderId: 7 }, { action: 'handle', note: '完成' }, [], time.now));
    expect(outcome.kind).toBe('failed');
    expect(server.calls).toHaveLength(MAX_REBASES + 1);
  });
});

describe('outbox: retry timing', () => {
  it('backs off exponentially, capped, with jitter, honouring Retry-After', () => {
    expect(backoffMs(1, 0.5)).toBe(2_000);
    expect(backoffMs(2, 0.5)).toBe(4_000);
    expect(backoffMs(3, 0.5)).toBe(8_000);
    expect(backoffMs(30, 0.5)).toBe(RETRY_MAX_MS);
    expect(backoffMs(1, 0)).toBe(1_600);
    expect(backoffMs(1, 0.999)).toBeLessThanOrEqual(2_400);
    expect(backoffMs(1, 0.5, 30_000)).toBe(30_000);
  });

  it('a flush stops at the first item without an answer and tells every waiting item it is queued', async () => {
    const { server, time, runner } = setup();
    server.link = 'down';
    await runner.enqueue(newReportItem('nm-grid', report('q-1', time), [], time.now));
    await runner.idle();
    time.now += 1;
    const outcome = await runner.submit(newReportItem('nm-grid', report('q-2', time), [], time.now));
    expect(outcome.kind).toBe('queued');
    // Only the first was tried in that flush.
    expect(server.calls.filter((c) => c === 'create')).toHaveLength(2);
  });
});

describe('outbox: property — any pattern of outages delivers every item exactly once', () => {
  it('holds for random link failures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Link>('up', 'down', 'lose-answer'), { minLength: 0, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 }),
        async (script, reports, photosEach) => {
          const { server, storage, time, runner } = setup();
          server.script = [...script];
          for (let i = 0; i < reports; i++) {
            time.now += 1;
            await runner.enqueue(newReportItem('nm-grid', report(`p-${i}`, time), Array.from({ length: photosEach }, () => photo()), time.now));
          }
          await runner.idle();
          // Fire timers until the queue is empty (the script runs out and the link stays up).
          for (let guard = 0; storage.map.size > 0 && guard < 200; guard++) {
            if (!time.fireNext()) runner.kick(true);
            await runner.idle();
          }
          expect(storage.map.size).toBe(0);
          expect(server.cases.size).toBe(reports);
          for (const c of server.cases.values()) expect(c.photos).toHaveLength(photosEach);
          // Every photo stored is attached to exactly one case: no orphan uploads beyond lost answers.
          const attached = [...server.photos.values()].filter((p) => p.caseId !== null);
          expect(attached).toHaveLength(reports * photosEach);
        },
      ),
      { numRuns: 150 },
    );
  });
});
