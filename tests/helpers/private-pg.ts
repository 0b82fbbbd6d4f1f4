import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const OS_USER = 'postgres';

/**
 * A PostgreSQL cluster owned by one test: initdb into a temp folder, listening on
 * loopback at a random high port, its socket in the same folder. Fault tests stop and
 * restart THIS cluster — never the shared one on 5432 that other tests use. initdb
 * and pg_ctl refuse to run as root, so they run as the `postgres` OS user when we are
 * root. `destroy()` stops it (immediate) and deletes the folder; call it in afterAll.
 */
export class PrivateCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** Admin URL of the cluster's `postgres` database. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async create(): Promise<PrivateCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), 'hcm-private-pg-'));
    if (process.getuid?.() === 0) chownSync(dir, uidOf(OS_USER), gidOf(OS_USER));
    const port = 55_000 + Math.floor(Math.random() * 5_000);
    const cluster = new PrivateCluster(dir, port);
    // Last line of defence: a worker that dies before afterAll still stops its cluster.
    process.once('exit', () => cluster.destroySync());
    try {
      await cluster.pg('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
      await cluster.start();
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=60`;
    await this.pg('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', path.join(this.dir, 'log'), '-w', '-t', '30', 'start']);
  }

  /** fast: terminate sessions (57P01) and shut down cleanly; immediate: crash-stop, recovery on start. */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '30', 'stop']);
  }

  async restart(mode: 'fast' | 'immediate'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** Stops the server if it runs (by its data folder's postmaster pid) and removes the folder. */
  async destroy(): Promise<void> {
    try {
      readFileSync(path.join(this.dataDir, 'postmaster.pid'));
      await this.stop('immediate');
    } catch {
      // not running (or never started)
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private destroySync(): void {
    try {
      readFileSync(path.join(this.dataDir, 'postmaster.pid'));
      const args = [path.join(BIN, 'pg_ctl'), '-D', this.dataDir, '-m', 'immediate', '-w', 'stop'];
      if (process.getuid?.() === 0) execFileSync('runuser', ['-u', OS_USER, '--', ...args], { timeout: 30_000, stdio: 'ignore' });
      else execFileSync(args[0]!, args.slice(1), { timeout: 30_000, stdio: 'ignore' });
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async pg(tool: string, args: string[]): Promise<void> {
    const binary = path.join(BIN, tool);
    if (process.getuid?.() === 0) await run('runuser', ['-u', OS_USER, '--', binary, ...args], { timeout: 60_000 });
    else await run(binary, args, { timeout: 60_000 });
  }
}

function idOf(file: string, name: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no ${name} in ${file}`);
  return Number(line.split(':')[2]);
}
const uidOf = (name: string) => idOf('/etc/passwd', name);
const gidOf = (name: string) => Number(readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`))!.split(':')[3]);
