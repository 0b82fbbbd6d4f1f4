/**
 * npm run calendar -- <command>
 *
 *   import <file> [--json]   store the years in a calendar file (all of them, or nothing)
 *   list [--json]            the years stored, where they came from, and how far they reach
 *
 * When the State Council announces next year's holidays (usually in November), an
 * admin writes them as { "year": 2027, "holidays": [...], "workdays": [...] } (or a
 * list of such years; server/domain/sla/import-file.ts) and imports the file. A year
 * already stored is replaced (a corrected notice wins). Running servers reload the
 * calendar at their next scheduler tick and the leader recomputes the deadlines it
 * moves. Works on DATABASE_URL, else PGlite in DATA_DIR, like the other admin tools;
 * every import writes an audit row (`system:cli`).
 *
 * Exit codes: 0 done; 1 the file is unreadable or wrong (nothing written); 2 bad usage.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { STARTUP_LOCK_KEY } from '../../db/locks';
import { readCalendarStamps, readCalendarYears, writeCalendarYears } from '../../db/queries/calendar';
import { describeTarget, openDatabaseFromEnv } from '../../db/seed/env';
import { audit, cliBy } from '../auth/audit';
import { buildCalendar, calendarHorizon, parseCalendarFile, type CalendarYear } from '../domain/sla';
import { CalendarService } from './calendar';

const USAGE = `usage: npm run calendar -- <command>
  import <file> [--json]   store the holidays and make-up working days of the years in <file>
  list [--json]            the years stored and how far the calendar reaches
A file is one year or a list of years:
  { "year": 2027, "holidays": ["2027-01-01", …], "workdays": ["2027-02-06", …] }`;

class UsageError extends Error {}
class FileError extends Error {}

async function readYears(file: string): Promise<CalendarYear[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new FileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = parseCalendarFile(text);
  if (!parsed.ok) {
    const lines = parsed.issues.slice(0, 20).map((i) => `  ${i.path || '(file)'}: ${i.message}`);
    const more = parsed.issues.length > 20 ? `\n  … and ${parsed.issues.length - 20} more` : '';
    throw new FileError(`${file} is not a calendar file; nothing was imported:\n${lines.join('\n')}${more}`);
  }
  return parsed.years;
}

function yearList(years: number[]): string {
  return years.length ? years.join(', ') : 'none';
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command !== 'import' && command !== 'list') throw new UsageError(`unknown command "${command}"`);
  let parsedArgs;
  try {
    parsedArgs = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsedArgs;
  const json = values.json === true;
  if (command === 'import' && positionals.length !== 1) throw new UsageError('import: give exactly one file');
  if (command === 'list' && positionals.length !== 0) throw new UsageError('list takes no arguments');

  // The file is checked before the database is opened: a bad file touches nothing.
  const imported = command === 'import' ? await readYears(positionals[0]!) : null;
  console.error(`npm run calendar: ${command} on ${describeTarget()}`);
  const database = await openDatabaseFromEnv();
  try {
    // The years the package ships are stored first (as a server's start does), under the
    // startup lock so a server starting now does not write them at the same moment.
    await database.withLock(STARTUP_LOCK_KEY, () => new CalendarService(database).load());
    if (imported) {
      const source = path.basename(positionals[0]!);
      const written = await database.transaction(async (tx) => {
        const years = await writeCalendarYears(tx, imported, source);
        await audit(tx, cliBy(), {
          action: 'calendar.import',
          targetType: 'calendar',
          targetId: years.join(','),
          outcome: 'ok',
          details: { source, years: imported.map((y) => ({ year: y.year, holidays: y.holidays.length, workdays: y.workdays.length })) },
        });
        return years;
      });
      const stored = await readCalendarYears(database);
      const horizon = calendarHorizon(buildCalendar(stored), Date.now());
      const summary = imported.map((y) => `${y.year} (${y.holidays.length} holidays, ${y.workdays.length} make-up working days)`).join('; ');
      console.log(
        json
          ? JSON.stringify({ imported: written, source, horizon }, null, 2)
          : `imported ${summary} from ${source}\ncovered years: ${yearList(stored.map((y) => y.year))}\n` +
              `the calendar reaches ${horizon.endsAt.toISOString().slice(0, 10)} without a gap (${horizon.daysLeft} days from now)\n` +
              `running servers reload it within one scheduler tick; deadlines it moves are recomputed`,
      );
      return;
    }
    const [years, stamps] = [await readCalendarYears(database), await readCalendarStamps(database)];
    const importedAt = new Map(stamps.map((s) => [s.year, s.importedAt]));
    const horizon = years.length ? calendarHorizon(buildCalendar(years), Date.now()) : null;
    if (json) {
      console.log(JSON.stringify({ years: years.map((y) => ({ ...y, importedAt: importedAt.get(y.year) })), horizon }, null, 2));
      return;
    }
    const lines = years.map((y) => `  ${y.year}\t${y.holidays.length} holidays\t${y.workdays.length} make-up days\t${y.source}\t${importedAt.get(y.year)}`);
    lines.unshift(`calendar years (${years.length}):`);
    if (horizon) {
      lines.push(`reaches ${horizon.endsAt.toISOString().slice(0, 10)} without a gap (${horizon.daysLeft} days from now)${horizon.stale ? ` — STALE: import ${horizon.lastYear + 1}` : ''}`);
    }
    console.log(lines.join('\n'));
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
  else console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
