import type { NewFeedRow } from '../../db/records';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import type { DatabaseKind } from '../../db/client';
import { appendFeed } from '../../db/queries/feed';
import { PROTOCOL_VERSION } from '../../server/protocol/wire';
import { createTestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { spawn } from 'node:child_process';
import { FeedClient, postJson, sessionOf, startTestServer } from '../helpers/server';
import { distribution } from './stats';
import { REPORTED_LIFECYCLE } from '../../db/records';

/**
 * `npx tsx tests/bench/replay-flood.ts [--engine postgres] [--history 10000] [--storm 200]`:
 * live latency (POST → frame at a live socket) on an idle server, then while one
 * socket floods `subscribe {since: 0}` frames, then while `storm` clients replay
 * 1,000 events each — the same server, the same run. Clients run in this process,
 * so their decoding shares the server's thread (figures are pessimistic).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'postgres' },
      history: { type: 'string', default: '10000' },
      storm: { type: 'string', default: '200' },
      samples: { type: 'string', default: '20' },
    },
  });
  const kind = values.engine as DatabaseKind;
  const testDb = await createTestDatabase(kind);
  await insertFixtureCity(testDb.database);
  const history = Number(values.history);
  for (let done = 0; done < history; done += 2000) {
    const rows = Array.from({ length: Math.min(2000, history - done) }, (_, i): NewFeedRow => ({
      topic: 'case.created',
      layer: 'incidents',
      areaCodes: [FIXTURE.city, FIXTURE.west],
      payload: { id: done + i + 1, kind: 'incident', channel: 'grid_worker', category: '0102', topic: null, severity: 'Moderate', status: 'reported', lng: 106.61, lat: 26.51, grid: null, title: `bench ${done + i}`, reportedAt: '2026-01-01T00:00:00.000Z', ...REPORTED_LIFECYCLE },
    }));
    await testDb.database.transaction((tx) => appendFeed(tx, rows));
  }
  const { app, base } = await startTestServer(testDb.database);
  const live = new FeedClient(base, { layers: ['incidents'] });
  await live.connected();
  await live.subscribe(null);
  let n = 0;
  const sample = async (count: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = `bench-${n++}`;
      const started = performance.now();
      await postJson(base, '/api/cases', incident(id, 106.612, 26.512, { title: id }));
      await live.until((events) => events.some((e) => e.topic === 'case.created' && e.payload.title === id), 60_000);
      out.push(performance.now() - started);
    }
    return out;
  };
  const samples = Number(values.samples);
  await sample(5); // warm-up
  const idle = distribution(await sample(samples));

  const flooder = new FeedClient(base, { layers: ['incidents'] });
  await flooder.connected();
  const flood = Array.from({ length: 1000 }, () =>
    flooder.socket.timeout(120_000).emitWithAck('subscribe', { v: PROTOCOL_VERSION, layers: ['incidents'], since: 0 }).catch(() => null),
  );
  const underFlood = distribution(await sample(samples));
  await Promise.all(flood);
  flooder.close();

  const head = (await testDb.database.rows<{ head: number }>(sql`SELECT max(seq)::int AS head FROM feed`))[0]!.head;
  const since = Math.max(0, head - 1000);
  // The storm's clients run in a child process: their decoding must not share the server's thread.
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/bench/storm-clients.ts', '--base', base, '--cookie', sessionOf(base).cookie ?? '', '--count', values.storm!, '--since', String(since), '--head', String(head)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let report = '';
  child.stdout.on('data', (chunk: Buffer) => (report += chunk.toString()));
  const done = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Sample live latency for as long as the storm lasts (at least `samples` times).
  const during: number[] = [];
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished || during.length < samples) during.push(...(await sample(1)));
  const code = await done;
  if (code !== 0) throw new Error(`storm clients exited with ${code}`);
  const storm = JSON.parse(report.trim().split('\n').at(-1)!) as { clients: number; served: number; events: number; ms: number };
  const underStorm = distribution(during);
  live.close();
  console.log(JSON.stringify({ engine: kind, history, idle, underFlood, storm, underStorm }, null, 1));
  await app.close();
  await testDb.drop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
