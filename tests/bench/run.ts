import path from 'node:path';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { DatabaseKind } from '../../db/client';
import type { CityKind } from './city';
import { benchDeadlines, type DeadlineResult } from './deadlines';
import { benchIndicators, type IndicatorBench } from './indicators';
import { benchHotspots, type HotspotBench } from './hotspots';
import { benchIngest, type IngestResult } from './ingest';
import { benchLogin, type LoginResult } from './login';
import { benchBarePush, benchServerPush, type PushResult } from './push';
import { benchQueue, type QueueBenchResult } from './queue';
import { benchScope, type ScopeResult } from './scope';
import { benchSweeps, type SweepResult } from './sweeps';
import { round, table } from './stats';
import { benchSuggestions, type SuggestionsResult } from './suggestions';
import { benchTransitions, type TransitionResult } from './transitions';

/**
 * `npm run bench -- [options]`: intake throughput against a bare COPY,
 * ingest→socket latency against a bare Socket.IO broadcast, and login cost
 * (argon2id) against a bare SHA-256, SLA deadlines on the working calendar against a
 * bare `new Date(t + ms)`, a jurisdiction's snapshot and replay against the whole
 * city's beside the bare SQL, the scheduler's catch-up sweep beside a bare UPDATE, the dispatch
 * queue and case view of a district holding 100k live cases beside the bare SQL, routing help
 * (KNN nearest responders) beside a plain ORDER BY ST_Distance, and case transitions through
 * the command service against a bare `UPDATE … SET status, version = version + 1`, in one run; `--only indicators`
 * (on request: a long fill) measures indicator panels at city scale from the rollups against case_events;
 * `--only hotspots` (on request) hotspot detection over 500,000 appeals in 30 days beside a plain count(*).
 * Prints tables and writes tmp/bench-latest.json. Not part of the test suite.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TMP = path.join(ROOT, 'tmp');

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function engines(text: string): DatabaseKind[] {
  return list(text).map((e) => {
    if (e !== 'pglite' && e !== 'postgres') throw new Error(`unknown engine ${e} (pglite, postgres)`);
    return e;
  });
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`--${name} must be a positive number, got ${text}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      engines: { type: 'string', default: 'pglite,postgres' },
      cases: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '1000' },
      city: { type: 'string', default: 'seed' },
      clients: { type: 'string', default: '100,1000' },
      rate: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '10' },
      'push-engine': { type: 'string', default: 'pglite' },
      'frame-ms': { type: 'string', default: '100,10' },
      'login-samples': { type: 'string', default: '50' },
      deadlines: { type: 'string', default: '100000' },
      'scope-engines': { type: 'string', default: 'postgres' },
      storm: { type: 'string', default: '1000' },
      'scope-cases': { type: 'string', default: '100000' },
      'scope-samples': { type: 'string', default: '10' },
      'sweep-cases': { type: 'string', default: '10000' },
      'queue-engines': { type: 'string', default: 'postgres' },
      'queue-open': { type: 'string', default: '100000' },
      'queue-samples': { type: 'string', default: '100' },
      responders: { type: 'string', default: '10000' },
      'suggest-samples': { type: 'string', default: '200' },
      'transition-cases': { type: 'string', default: '400' },
      /** Concurrent senders per engine (PGlite has one connection: extra senders only queue). */
      'transition-parallel': { type: 'string', default: '1,4' },
      'indicator-cases': { type: 'string', default: '1000000' },
      'indicator-fill-seconds': { type: 'string', default: '1800' },
      /** Chunks filled at once, each on its own connection (its rollup fold is most of its time). */
      'indicator-fill-parallel': { type: 'string', default: '2' },
      'indicator-chunk': { type: 'string', default: '50000' },
      'indicator-samples': { type: 'string', default: '50' },
      'indicator-direct-samples': { type: 'string', default: '3' },
      'indicator-clients': { type: 'string', default: '16' },
      'indicator-contention-seconds': { type: 'string', default: '15' },
      'hotspot-appeals': { type: 'string', default: '500000' },
      'hotspot-samples': { type: 'string', default: '5' },
    },
    strict: true,
  });
  const only = values.only;
  const ONLY = ['ingest', 'push', 'login', 'deadlines', 'scope', 'replay', 'sweeps', 'queue', 'suggestions', 'transitions', 'indicators', 'hotspots'];
  if (only !== undefined && !ONLY.includes(only)) throw new Error(`--only is one of ${ONLY.join(', ')}`);
  const city: CityKind = values.city === 'synthetic' ? 'synthetic' : 'seed';
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, memGb: round(os.totalmem() / 2 ** 30) };
  // The load average says whether other work shared the cores during the run (figures are then pessimistic).
  const load = () => os.loadavg().map((l) => round(l, 2));
  const loadBefore = load();
  console.log(`machine: ${machine.cpus} × ${machine.cpu}, ${machine.memGb} GiB, node ${machine.node}, load ${loadBefore.join(' ')}\n`);

  const ingest: IngestResult[] = [];
  if (only === undefined || only === 'ingest') {
    for (const engine of engines(values.engines)) {
      console.log(`ingest: ${engine} …`);
      ingest.push(
        await benchIngest(engine, {
          cases: positive('cases', values.cases),
          batch: positive('batch', values.batch),
          city,
          tmpDir: TMP,
        }),
      );
    }
    console.log('\n1. Batch intake (IngestService: grid assignment + feed rows) vs raw COPY of the same rows');
    console.log(
      table([
        ['engine', 'city', 'grids', 'cases', 'batch', 'linked dup.', 'intake s', 'intake cases/s', 'batch p50 ms', 'batch p99 ms', 'COPY s', 'COPY cases/s', 'intake/COPY'],
        ...ingest.map((r) => [
          r.engine, r.city, r.grids, r.cases, r.batch, r.linked, round(r.ingestMs / 1000, 2), r.ingestPerSec,
          round(r.batchMs.p50), round(r.batchMs.p99), round(r.copyMs / 1000, 2), r.copyPerSec, `${r.ratio}×`,
        ]),
      ]),
    );
  }

  const push: PushResult[] = [];
  if (only === undefined || only === 'push') {
    const [pushEngine] = engines(values['push-engine']);
    const frameMs = list(values['frame-ms']).map((f) => positive('frame-ms', f));
    const options = { perSecond: positive('rate', values.rate), seconds: positive('seconds', values.seconds) };
    for (const clients of list(values.clients).map((c) => positive('clients', c))) {
      console.log(`\npush: ${clients} clients, bare …`);
      push.push(await benchBarePush({ ...options, clients }));
      for (const frame of frameMs) {
        console.log(`push: ${clients} clients, server on ${pushEngine}, frame ${frame} ms …`);
        push.push(await benchServerPush(pushEngine!, frame, { ...options, clients }));
      }
    }
    console.log(`\n2. Ingest → client push latency (${options.perSecond} cases/s for ${options.seconds} s, one process, websocket, loopback)`);
    console.log(
      table([
        ['target', 'clients', 'events', 'delivered/expected', 'connect s', 'send p50/p99 ms', 'p50 ms', 'p99 ms', 'max ms'],
        ...push.map((r) => [
          r.target, r.clients, r.events, `${r.delivered}/${r.expected}`, round(r.connectMs / 1000, 1),
          `${round(r.sendMs.p50)}/${round(r.sendMs.p99)}`,
          round(r.latencyMs.p50), round(r.latencyMs.p99), round(r.latencyMs.max),
        ]),
      ]),
    );
  }

  const logins: LoginResult[] = [];
  if (only === undefined || only === 'login') {
    console.log('\nlogin …');
    logins.push(...(await benchLogin({ samples: positive('login-samples', values['login-samples']), parallel: 4, engines: engines(values.engines) })));
    console.log('\n3. Login: argon2id verify at the chosen cost vs a bare SHA-256 of the same password, and the whole login use case');
    console.log(
      table([
        ['target', 'params', 'samples', 'p50 ms', 'p99 ms', 'max ms'],
        ...logins.map((r) => [r.target, r.params, r.samples, round(r.ms.p50, 3), round(r.ms.p99, 3), round(r.ms.max, 3)]),
      ]),
    );
  }

  const deadlines: DeadlineResult[] = [];
  if (only === undefined || only === 'deadlines') {
    console.log('\ndeadlines …');
    deadlines.push(...benchDeadlines({ count: positive('deadlines', values.deadlines) }));
    console.log('\n4. SLA deadline per case on the working calendar (2026 holidays, office hours) vs a bare new Date(t + ms)');
    console.log(
      table([
        ['target', 'cases', 'total ms', 'µs/case'],
        ...deadlines.map((r) => [r.target, r.count, round(r.totalMs), round(r.perCaseUs, 3)]),
      ]),
    );
  }

  const scoped: ScopeResult[] = [];
  // Live latency idle vs under a replay flood vs during a reconnect storm (PostgreSQL; long, so only on request).
  if (only === 'replay') {
    console.log(`\n6. Live latency idle, under a replay flood and during a reconnect storm of ${values.storm} clients × 1,000 events (PostgreSQL)`);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/replay-flood.ts', '--storm', values.storm!], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`replay bench exited with ${result.status}`);
  }

  if (only === undefined || only === 'scope') {
    const cases = positive('scope-cases', values['scope-cases']);
    for (const engine of engines(values['scope-engines'])) {
      console.log(`\nscope: ${engine}, ${cases} cases …`);
      scoped.push(...(await benchScope(engine, { cases, samples: positive('scope-samples', values['scope-samples']) })));
    }
    console.log('\n5. Reading a jurisdiction: a district (南明区 520102) vs the whole city (520100), same data, beside the bare SQL');
    console.log(
      table([
        ['engine', 'cases', 'target', 'scope', 'rows', 'p50 ms', 'p99 ms', 'max ms'],
        ...scoped.map((r) => [r.engine, r.cases, r.target, r.scope, r.rows, round(r.ms.p50), round(r.ms.p99), round(r.ms.max)]),
      ]),
    );
  }

  const sweeps: SweepResult[] = [];
  if (only === undefined || only === 'sweeps') {
    for (const engine of engines(values.engines)) {
      console.log(`\nsweeps: ${engine} …`);
      sweeps.push(await benchSweeps(engine, { cases: positive('sweep-cases', values['sweep-cases']) }));
    }
    console.log('\n7. Scheduler catch-up: N cases a month past their deadline → overdue + escalated to the root (events + feed rows, batched) vs a bare UPDATE to the same end state; an idle tick');
    console.log(
      table([
        ['engine', 'cases', 'batch', 'tick s', 'cases/s', 'bare UPDATE ms', 'bare cases/s', 'tick/bare', 'idle tick p50 ms', 'idle p99 ms'],
        ...sweeps.map((r) => [
          r.engine, r.cases, r.batch, round(r.tickMs / 1000, 2), r.tickPerSec, round(r.bareMs), r.barePerSec, `${r.ratio}×`,
          round(r.idleTickMs.p50, 2), round(r.idleTickMs.p99, 2),
        ]),
      ]),
    );
  }

  const transitions: TransitionResult[] = [];
  if (only === undefined || only === 'transitions') {
    const parallel = list(values['transition-parallel']).map((p) => positive('transition-parallel', p));
    for (const engine of engines(values.engines)) {
      console.log(`\ntransitions: ${engine} …`);
      transitions.push(...(await benchTransitions(engine, { cases: positive('transition-cases', values['transition-cases']), parallel })));
    }
    console.log('\n10. Case transitions (register → dispatch → accept → handle → close) through CaseCommandService vs a bare UPDATE of the same rows');
    const bare = (r: TransitionResult) => transitions.find((b) => b.engine === r.engine && b.parallel === r.parallel && b.target === 'bare UPDATE');
    console.log(
      table([
        ['engine', 'senders', 'target', 'transitions', 'rows/transition', 'total s', 'transitions/s', 'p50 ms', 'p99 ms', 'max ms', 'vs bare'],
        ...transitions.map((r) => [
          r.engine, r.parallel, r.target, r.transitions, round(r.rowsPerTransition, 1), round(r.totalMs / 1000, 2), r.perSec,
          round(r.ms.p50, 2), round(r.ms.p99, 2), round(r.ms.max, 2), r.target === 'service' ? `${round(r.totalMs / bare(r)!.totalMs, 1)}×` : '1×',
        ]),
      ]),
    );
  }

  const queue: QueueBenchResult[] = [];
  if (only === undefined || only === 'queue') {
    const open = positive('queue-open', values['queue-open']);
    for (const engine of engines(values['queue-engines'])) {
      console.log(`\nqueue: ${engine}, ${open} live cases in the dispatcher's district …`);
      queue.push(...(await benchQueue(engine, { open, samples: positive('queue-samples', values['queue-samples']) })));
    }
    console.log("\n8. Dispatch queue and case view: a district dispatcher's jurisdiction (南明区 520102) holding the live cases, beside the bare SQL");
    console.log(
      table([
        ['engine', 'live in scope', 'all cases', 'target', 'rows', 'p50 ms', 'p99 ms', 'max ms'],
        ...queue.map((r) => [r.engine, r.open, r.total, r.target, r.rows, round(r.ms.p50, 2), round(r.ms.p99, 2), round(r.ms.max, 2)]),
      ]),
    );
  }

  const suggestions: SuggestionsResult[] = [];
  if (only === undefined || only === 'suggestions') {
    for (const engine of engines(values.engines)) {
      console.log(`\nsuggestions: ${engine} …`);
      suggestions.push(
        ...(await benchSuggestions(engine, {
          responders: positive('responders', values.responders),
          samples: positive('suggest-samples', values['suggest-samples']),
          k: 5,
        })),
      );
    }
    console.log('\n9. Routing help per case: nearest available by KNN on the GiST index (then exact metres) and the whole answer, beside a plain ORDER BY ST_Distance');
    console.log(
      table([
        ['engine', 'responders', 'cases', 'target', 'samples', 'p50 ms', 'p99 ms', 'max ms'],
        ...suggestions.map((r) => [r.engine, r.responders, r.cases, r.target, r.ms.count, round(r.ms.p50, 2), round(r.ms.p99, 2), round(r.ms.max, 2)]),
      ]),
    );
  }

  // City-scale indicator panels (PostgreSQL; a long fill, so only on request).
  let indicators: IndicatorBench | null = null;
  if (only === 'indicators') {
    const target = positive('indicator-cases', values['indicator-cases']);
    console.log(`\nindicators: postgres, up to ${target.toLocaleString('en-US')} cases (≈ 10 events each) within ${values['indicator-fill-seconds']} s of filling …`);
    indicators = await benchIndicators({
      cases: target,
      fillSeconds: positive('indicator-fill-seconds', values['indicator-fill-seconds']),
      chunk: positive('indicator-chunk', values['indicator-chunk']),
      fillParallel: positive('indicator-fill-parallel', values['indicator-fill-parallel']),
      samples: positive('indicator-samples', values['indicator-samples']),
      directSamples: positive('indicator-direct-samples', values['indicator-direct-samples']),
      clients: positive('indicator-clients', values['indicator-clients']),
      contentionSeconds: positive('indicator-contention-seconds', values['indicator-contention-seconds']),
    });
    const f = indicators.fill;
    console.log(
      `\n11. Indicator panels at ${f.cases.toLocaleString('en-US')} cases / ${f.events.toLocaleString('en-US')} events` +
        `${f.complete ? '' : ` (target ${target.toLocaleString('en-US')} not reached within the fill budget)`}, ` +
        `${f.rollupRows.toLocaleString('en-US')} rollup rows, ${f.openCases.toLocaleString('en-US')} open cases; filled in ${round(f.fillMs / 1000)} s on ${f.parallel} connections ` +
        `(bulk insert ${f.insertPerSec.triggerOff.toLocaleString('en-US')} events/s without the trigger, ${f.insertPerSec.triggerOn.toLocaleString('en-US')} with it); ` +
        `nightly compaction of the shards ${round(f.compactMs / 1000, 1)} s`,
    );
    console.log(
      table([
        ['target', 'area', 'period', 'samples', 'p50 ms', 'p95 ms', 'max ms'],
        ...indicators.reads.map((r) => [r.target, r.area, r.period, r.ms.count, round(r.ms.p50), round(r.ms.p95), round(r.ms.max)]),
      ]),
    );
    console.log('\n12. Command-shaped transactions on random cases (lock, update, event, feed), all on today\'s city rows: the triggers off, on (8 shards), on with 1 shard');
    console.log(
      table([
        ['trigger', 'clients', 'transactions', 'tx/s', 'p50 ms', 'p95 ms', 'p99 ms', 'deadlocks'],
        ...indicators.contention.map((r) => [r.trigger, r.clients, r.transactions, r.perSec, round(r.ms.p50), round(r.ms.p95), round(r.ms.p99), r.deadlocks]),
      ]),
    );
  }

  // Hotspot detection at city scale (PostgreSQL; a 500k fill, so only on request).
  let hotspots: HotspotBench | null = null;
  if (only === 'hotspots') {
    const appeals = positive('hotspot-appeals', values['hotspot-appeals']);
    console.log(`\nhotspots: postgres, ${appeals.toLocaleString('en-US')} appeals over 30 days …`);
    hotspots = await benchHotspots({ appeals, samples: positive('hotspot-samples', values['hotspot-samples']) });
    console.log(
      `\n13. Hotspot detection (ST_ClusterDBSCAN per topic and across topics, outlines, areas, overlaps) over ${hotspots.appeals.toLocaleString('en-US')} appeals ` +
        `in 30 days (filled in ${round(hotspots.fillMs / 1000)} s), beside a plain count(*) of the same window`,
    );
    console.log(
      table([
        ['target', 'window', 'appeals', 'found', 'samples', 'p50 ms', 'max ms'],
        ...hotspots.rows.map((r) => [r.target, r.window, r.appeals, r.found, r.ms.count, round(r.ms.p50), round(r.ms.max)]),
      ]),
    );
  }

  await mkdir(TMP, { recursive: true });
  const out = path.join(TMP, 'bench-latest.json');
  const loadAfter = load();
  await writeFile(out, JSON.stringify({ at: new Date().toISOString(), machine, load: { before: loadBefore, after: loadAfter }, ingest, push, logins, deadlines, scoped, sweeps, queue, suggestions, transitions, indicators, hotspots }, null, 2));
  console.log(`\nload average after: ${loadAfter.join(' ')}; wrote ${path.relative(ROOT, out)}`);
}

main().then(
  // Sockets and pools are closed by now; exit explicitly so a stray handle cannot keep a finished bench alive.
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
