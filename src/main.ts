// The `watchfloor` command line: serve, demo, migrate, user add, apikey add, audit verify …
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createContext, type AppContext } from './context.js';
import { DataDirBusyError } from './platform/lock.js';
import { ROLES, AGENCY_KINDS } from './db/schema.js';
import { CLI_ACTOR } from './staff/staff.service.js';
import { verifyAuditChain } from './audit/audit.verify.js';
import { exitIfDatabaseLost, startServer, stopOnSignals } from './server.js';
import { demoCode, readDemoAccounts, seedDemoAccounts, DEMO_AGENCY, DEMO_PASSWORD } from './demo/demo-accounts.js';

const DEMO_AUTO_REQUEST_TYPES = 'HOMICIDE,ASSAULT W/DANGEROUS WEAPON,ROBBERY,SEX ABUSE';
import { seedDemoCameras } from './demo/demo-cameras.js';
import { DemoFeed } from './incidents/demo-feed.js';
import { DemoResponder, demoClipDir } from './demo/demo-responder.js';
import { findAgencyByName } from './staff/staff.repository.js';
import { AppError } from './errors.js';
import { decodeIncidentFile } from './incidents/incident-files.js';
import { FeedReplayer } from './incidents/feed-replayer.js';
import { writeDemoCrimeFile } from './demo/demo-crime-file.js';
import { tuneGarbageCollection } from './platform/gc-tuning.js';

tuneGarbageCollection();

/** Runs a command that needs the database; closes it afterwards. */
async function withContext<T>(command: string, fn: (ctx: AppContext) => Promise<T>, config: Config = loadConfig()): Promise<T> {
  const ctx = await createContext(config, { command });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** A path as a person would type it from here: relative below the working folder, absolute elsewhere. */
function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

const program = new Command('watchfloor').description('Real-time crime center and community camera program').showHelpAfterError();

program
  .command('serve')
  .description('start the HTTP server (PGlite in the data folder unless DATABASE_URL is set)')
  .action(async () => {
    const config = loadConfig();
    const ctx = await createContext(config, { command: 'serve' });
    const server = await startServer(ctx);
    stopOnSignals(server);
    exitIfDatabaseLost(server, ctx);
    server.app.log.info({ url: server.url, database: ctx.database.kind, location: ctx.database.location }, 'watchfloor listening');
  });

program
  .command('demo')
  .description('start the server with demo accounts (and demo data), play an incident feed, and print how to sign in')
  .option('--feed <file>', "an incident file to play as the live feed (a city's crime CSV, TSV or GeoJSON); default: a day the demo writes in Open Data DC's layout")
  .option('--speed <n>', 'how many times faster than recorded the feed plays', '15')
  .action(async (opts: { feed?: string; speed: string }) => {
    const speed = Number(opts.speed);
    if (!(speed > 0 && Number.isFinite(speed))) fail('--speed must be a positive number');
    if (opts.feed && !fs.existsSync(opts.feed)) fail(`no file ${opts.feed}`);
    const started = performance.now();
    // The demo city asks for footage at once for serious crimes, at any hour (its owners are synthetic);
    // the environment still wins.
    const config = loadConfig({
      WATCHFLOOR_AUTO_REQUEST_TYPES: DEMO_AUTO_REQUEST_TYPES,
      WATCHFLOOR_QUIET_HOURS: '0-0',
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    const ctx = await createContext(config, { command: 'demo' });
    const accounts = await seedDemoAccounts(ctx);
    const seeded = await seedDemoCameras(ctx);
    const server = await startServer(ctx, { housekeepingMs: 5_000 });
    stopOnSignals(server);
    exitIfDatabaseLost(server, ctx);
    new DemoResponder(ctx.database.db, ctx.evidence, ctx.clock, ctx.log, { workDir: demoClipDir(config.dataDir) }).start();
    const demoAgency = await findAgencyByName(ctx.database.db, DEMO_AGENCY);
    const actor = { actorType: 'system' as const, actorName: 'demo feed', agencyId: demoAgency?.id ?? null };
    // The live feed is a crime file played back: the one given, or a day the demo writes now.
    const feedFile = opts.feed ?? path.join(config.dataDir, 'demo', 'crime-incidents.csv');
    if (!opts.feed) {
      const hour = new Date();
      hour.setUTCMinutes(0, 0, 0);
      writeDemoCrimeFile(feedFile, new DemoFeed(ctx.cameras, ctx.serviceArea), { endMs: hour.getTime(), count: 1440, random: Math.random });
    }
    const decoded = decodeIncidentFile(fs.readFileSync(feedFile, 'utf8'), feedFile);
    const playable = decoded.rows.flatMap((r) => (r.incident ? [r.incident] : []));
    if (playable.length === 0) fail(`no incident in ${feedFile} could be read: ${[...decoded.fileErrors, ...decoded.rows.flatMap((r) => r.errors)].slice(0, 3).join('; ')}`);
    const replayer = new FeedReplayer(playable, (incident) => ctx.incidents.ingest(incident, actor), {
      speed,
      loop: true,
      onError: (incident, err) => ctx.log.warn({ err, externalId: incident.externalId }, 'demo feed: incident refused'),
    });
    replayer.start();
    const every = playable.length > 1 ? replayer.roundMs / (playable.length - 1) / 1000 : 0;
    const ms = Math.round(performance.now() - started);
    const lines = [
      '',
      `  Watchfloor demo is running at ${server.url}   (ready in ${ms} ms; database: ${ctx.database.kind} in ${ctx.database.location})`,
      '',
      `  Cameras:     ${ctx.cameras.index.size.toLocaleString('en-US')} verified in the index${seeded ? ' (demo registry generated now)' : ''}; register one at ${server.url}/connect`,
      `  Live feed:   ${shownPath(feedFile)} played at ${speed}× (${playable.length.toLocaleString('en-US')} incidents${opts.feed ? '' : ' of a day in Open Data DC\'s crime layout, written by the demo'}; one every ${every.toFixed(1)} s on average,`,
      `               then again), matched against the cameras; another file: npm run demo -- --feed FILE --speed N`,
      `               footage is requested at once for ${config.autoRequestTypes.toLowerCase().split(',').join(', ')} (priority ${config.autoRequestMaxPriority} or higher),`,
      `               and synthetic owners answer within a minute: about half share a clip, a fifth decline`,
      `  Sign in as:  operator  (also supervisor, admin, auditor, partner)`,
      `  Password:    ${DEMO_PASSWORD}`,
      `  Code:        ${demoCode(accounts, 'operator')}  (changes every 30 s; print a fresh one with: npx watchfloor demo-code operator)`,
      `  TOTP secret of the operator account, to add to an authenticator app: ${accounts.accounts.find((a) => a.username === 'operator')?.totpSecret}`,
      '',
      '  API docs: ' + server.url + '/docs/api     Stop: Ctrl+C',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  });

program
  .command('demo-code')
  .description('print the current sign-in code of a demo account')
  .argument('[username]', 'demo account', 'operator')
  .action((username: string) => {
    const config = loadConfig();
    const accounts = readDemoAccounts(config.dataDir);
    if (!accounts) fail(`no demo accounts in ${config.dataDir}; run npm run demo first`);
    const code = demoCode(accounts, username);
    if (!code) fail(`"${username}" is not a demo account; they are ${accounts.accounts.map((a) => a.username).join(', ')}`);
    process.stdout.write(`${code}\n`);
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    await withContext('migrate', async (ctx) => {
      process.stdout.write(`database is up to date (${ctx.database.kind}: ${ctx.database.location})\n`);
    });
  });

const user = program.command('user').description('staff accounts');
user
  .command('add')
  .description('create a staff account (it enrols its TOTP second factor at first sign-in)')
  .requiredOption('--username <name>', 'sign-in name')
  .requiredOption('--agency <name>', 'agency name (created when none has this name)')
  .addOption(new Option('--agency-kind <kind>', 'kind of a new agency').choices(AGENCY_KINDS).default('local'))
  .addOption(new Option('--role <role...>', 'one or more roles').choices(ROLES).makeOptionMandatory())
  .option('--name <display name>', 'name shown to colleagues')
  .option('--email <address>', 'email address')
  .option('--password <password>', 'initial password (or set WATCHFLOOR_NEW_PASSWORD, which keeps it out of the shell history)')
  .action(async (opts: { username: string; agency: string; agencyKind: 'local'; role: string[]; name?: string; email?: string; password?: string }) => {
    const password = opts.password ?? process.env.WATCHFLOOR_NEW_PASSWORD;
    if (!password) fail('give --password or set WATCHFLOOR_NEW_PASSWORD');
    await withContext('user add', async (ctx) => {
      const { user: created, agency, agencyCreated } = await ctx.staff.createUser(
        { agencyName: opts.agency, agencyKind: opts.agencyKind, username: opts.username, displayName: opts.name, email: opts.email ?? null, password, roles: opts.role },
        CLI_ACTOR,
      );
      if (agencyCreated) process.stdout.write(`created agency "${agency.name}" (${agency.kind})\n`);
      process.stdout.write(`created ${created.username} (${created.roles.join(', ')}) in "${agency.name}"; the second factor is set up at first sign-in\n`);
    });
  });

const apikey = program.command('apikey').description('API keys for machine feeds (CAD, plate readers)');
apikey
  .command('add')
  .description('create an API key; the key is printed once, as the last line')
  .requiredOption('--agency <name>', 'agency name (created when none has this name)')
  .addOption(new Option('--agency-kind <kind>', 'kind of a new agency').choices(AGENCY_KINDS).default('local'))
  .addOption(new Option('--role <role>', 'role of the key').choices(ROLES).makeOptionMandatory())
  .option('--name <name>', 'what uses the key, e.g. "CAD feed"', 'feed')
  .action(async (opts: { agency: string; agencyKind: 'local'; role: string; name: string }) => {
    await withContext('apikey add', async (ctx) => {
      const { key, record, agency, agencyCreated } = await ctx.staff.createApiKey({ agencyName: opts.agency, agencyKind: opts.agencyKind, name: opts.name, role: opts.role }, CLI_ACTOR);
      if (agencyCreated) process.stdout.write(`created agency "${agency.name}" (${agency.kind})\n`);
      process.stdout.write(`created API key "${record.name}" (${record.role}) for "${agency.name}"; it is shown only now:\n${key}\n`);
    });
  });

const importCmd = program.command('import').description('bulk imports');
importCmd
  .command('cameras')
  .description('import cameras from a CSV or GeoJSON file; prints a per-row report; a bad row stops the whole file unless --partial')
  .argument('<file>', '.csv or .geojson/.json file')
  .option('--agency <name>', 'agency that owns rows without an owner (city cameras)')
  .option('--partial', 'import the good rows even when some are rejected')
  .option('--dry-run', 'only check the file')
  .action(async (file: string, opts: { agency?: string; partial?: boolean; dryRun?: boolean }) => {
    if (!fs.existsSync(file)) fail(`no file ${file}`);
    const format = /\.(geo)?json$/i.test(file) ? 'geojson' : 'csv';
    const report = await withContext('import cameras', (ctx) =>
      ctx.importer.import(fs.readFileSync(file, 'utf8'), { format, agencyName: opts.agency, partial: opts.partial, dryRun: opts.dryRun }, CLI_ACTOR),
    );
    for (const r of report.report.filter((x) => x.outcome === 'rejected')) process.stdout.write(`row ${r.row}${r.externalRef ? ` (${r.externalRef})` : ''}: ${r.errors.join('; ')}\n`);
    const verdict = report.imported ? 'imported' : report.dryRun ? 'checked (dry run)' : 'NOT imported (fix the rows above, or pass --partial)';
    process.stdout.write(`${report.rows} rows: ${report.created} created, ${report.updated} updated, ${report.rejected} rejected; ${verdict}\n`);
    if (!report.imported && !report.dryRun) process.exitCode = 1;
  });

importCmd
  .command('incidents')
  .description("import a city's crime-incident file (DC open-data CSV/TSV layout, or MPD GeoJSON); prints a per-row report")
  .argument('<file>', '.csv, .tsv or .geojson file')
  .option('--dry-run', 'only check the file')
  .action(async (file: string, opts: { dryRun?: boolean }) => {
    if (!fs.existsSync(file)) fail(`no file ${file}`);
    const decoded = decodeIncidentFile(fs.readFileSync(file, 'utf8'), file);
    for (const e of decoded.fileErrors) process.stdout.write(`file: ${e}\n`);
    let created = 0;
    let updated = 0;
    const bad = decoded.rows.filter((r) => !r.incident);
    for (const r of bad) process.stdout.write(`row ${r.row}: ${r.errors.join('; ')}\n`);
    if (!opts.dryRun) {
      await withContext('import incidents', async (ctx) => {
        for (const r of decoded.rows) {
          if (!r.incident) continue;
          try {
            const result = await ctx.incidents.ingest(r.incident, { ...CLI_ACTOR, actorName: 'import incidents' });
            if (result.created) created++;
            else if (result.changed.length) updated++;
          } catch (err) {
            bad.push(r);
            process.stdout.write(`row ${r.row}: ${err instanceof AppError ? err.detail : (err as Error).message}\n`);
          }
        }
      });
    }
    if (decoded.truncated) process.stdout.write('note: the file is one page of a longer result (exceededTransferLimit): fetch the next page too\n');
    process.stdout.write(`${decoded.rows.length} rows (${decoded.format}): ${created} created, ${updated} updated, ${bad.length} rejected${opts.dryRun ? ' (dry run)' : ''}\n`);
  });

program
  .command('replay')
  .description('play an incident file as a live CAD feed into a running server, at a chosen speed')
  .argument('<file>', '.csv, .tsv or .geojson file')
  .requiredOption('--key <api key>', 'an API key of the running server (npx watchfloor apikey add …)')
  .option('--url <url>', 'the server', 'http://localhost:8080')
  .option('--speed <n>', 'how many times faster than recorded', '60')
  .option('--limit <n>', 'stop after this many incidents')
  .action(async (file: string, opts: { key: string; url: string; speed: string; limit?: string }) => {
    if (!fs.existsSync(file)) fail(`no file ${file}`);
    const speed = Number(opts.speed);
    if (!(speed > 0)) fail('--speed must be a positive number');
    const decoded = decodeIncidentFile(fs.readFileSync(file, 'utf8'), file);
    const incidents = decoded.rows.flatMap((r) => (r.incident ? [r.incident] : [])).slice(0, opts.limit ? Number(opts.limit) : undefined);
    process.stdout.write(`replaying ${incidents.length} incidents at ${speed}× into ${opts.url} (Ctrl+C stops)\n`);
    // The feed keeps its pace; a slow answer does not hold back the next incident.
    const replayer = new FeedReplayer(
      incidents,
      async (inc) => {
        const body = { source: inc.source, externalId: inc.externalId, type: inc.type, priority: inc.priority, occurredFrom: inc.occurredFrom, ...(inc.occurredTo ? { occurredTo: inc.occurredTo } : {}), location: inc.location ?? { address: inc.address ?? 'unknown' }, ...(inc.district ? { district: inc.district } : {}), ...(inc.ward ? { ward: inc.ward } : {}) };
        const res = await fetch(`${opts.url}/api/v1/incidents`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.key}` }, body: JSON.stringify(body) });
        const answer = (await res.json()) as { matchCount?: number; detail?: string };
        process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${inc.externalId} ${inc.type} → ${res.status}${answer.matchCount !== undefined ? `, ${answer.matchCount} cameras` : ` ${answer.detail ?? ''}`}\n`);
      },
      { speed, onError: (inc, err) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${inc.externalId} ${inc.type} → ${err instanceof Error ? err.message : String(err)}\n`) },
    );
    replayer.start();
    await replayer.finished;
  });

const evidenceCmd = program.command('evidence').description('evidence files');
evidenceCmd
  .command('verify')
  .description('re-hash every stored original and report any that no longer matches its recorded SHA-256; exit 1 on a mismatch')
  .action(async () => {
    const r = await withContext('evidence verify', (ctx) => ctx.evidence.verifyAll());
    for (const m of r.mismatches) process.stderr.write(`evidence ${m.id}: recorded ${m.expected}, now ${m.actual ?? 'MISSING'}\n`);
    process.stdout.write(`${r.checked} evidence file(s) checked, ${r.mismatches.length} mismatch(es)\n`);
    if (r.mismatches.length) process.exitCode = 1;
  });

const audit = program.command('audit').description('the audit trail');
audit
  .command('verify')
  .description('walk the hash chain; exit 1 naming the first broken entry')
  .action(async () => {
    const result = await withContext('audit verify', (ctx) => verifyAuditChain(ctx.database.db));
    if (result.ok) {
      process.stdout.write(`audit chain intact: ${result.entries} entries, last #${result.lastSeq} ${result.lastHash}\n`);
    } else {
      process.stderr.write(`audit chain BROKEN at entry #${result.brokenSeq}: ${result.reason} (${result.entries} entries before it are intact)\n`);
      process.exitCode = 1;
    }
  });

function fail(message: string): never {
  process.stderr.write(`watchfloor: ${message}\n`);
  process.exit(2);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirBusyError) fail(err.message);
  if (err instanceof AppError) fail(`${err.title}: ${err.detail}`);
  process.stderr.write(`watchfloor: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
