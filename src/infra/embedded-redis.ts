import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdir, readFile, readlink, realpath } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitOnSignal, freePort, SIGNALS } from './embedded-process.ts';


/**
 * Runs `redis-server` (from PATH) as a child process on a free port of 127.0.0.1, with its data in
 * `opts.dataDir` and the append-only file on, so queued jobs survive a restart.
 */
export async function startEmbeddedRedis(opts: {
  dataDir: string;
  log: (msg: string) => void;
  /** the PATH to look for redis-server in (from the configuration) */
  searchPath: string;
}): Promise<{ redisUrl: string; stop(): Promise<void> }> {
  const { log } = opts;
  const bin = findOnPath('redis-server', opts.searchPath);
  if (!bin) {
    throw new Error('redis-server was not found on PATH: install it with `apt-get install -y redis-server` ' +
      '(Debian/Ubuntu) or `brew install redis` (macOS)');
  }
  const dataDir = path.resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true });
  const pidFile = path.join(dataDir, 'redis.pid');
  await stopOrphan(pidFile, dataDir, log);

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(bin, [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--pidfile', pidFile,
      '--appendonly', 'yes', '--save', '', '--daemonize', 'no',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    // 'close' comes after the output is fully read; once() also catches a failed spawn ('error').
    let gone = false;
    const closed = once(child, 'close').catch(() => undefined).finally(() => (gone = true));

    const recent: string[] = [];
    const onOutput = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        recent.push(line.trim());
        if (recent.length > 20) recent.shift();
        log(`redis: ${line.trim()}`);
      }
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    const unhook = killWithUs(child);

    try {
      await waitForPing(port, () => gone);
    } catch (err) {
      unhook();
      child.kill('SIGKILL');
      await closed;
      const portTaken = recent.some((l) => l.includes('Address already in use'));
      if (portTaken && attempt < 3) continue;
      throw new Error(`redis-server failed to start in ${dataDir}: ${(err as Error).message}: ${recent.slice(-5).join(' | ')}`);
    }
    log(`embedded-redis: listening on 127.0.0.1:${port} (pid ${child.pid}), data in ${dataDir}`);

    return {
      redisUrl: `redis://127.0.0.1:${port}`,
      async stop() {
        unhook();
        if (gone) return;
        child.kill('SIGTERM'); // like SHUTDOWN: flushes the append-only file, removes the pid file
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await closed;
        clearTimeout(force);
      },
    };
  }
}

function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    const file = path.join(dir || '.', name);
    try {
      accessSync(file, fsConstants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Children get SIGTERM when this process exits (see exitOnSignal for signals nobody handles).
 */
const children = new Set<ChildProcess>();
const killChildren = () => {
  for (const child of children) child.kill('SIGTERM');
};
function killWithUs(child: ChildProcess): () => void {
  if (children.size === 0) setHooks(true);
  children.add(child);
  return () => {
    if (children.delete(child) && children.size === 0) setHooks(false);
  };
}

function setHooks(on: boolean): void {
  process[on ? 'on' : 'off']('exit', killChildren);
  for (const sig of SIGNALS) process[on ? 'on' : 'off'](sig, exitOnSignal);
}

async function waitForPing(port: number, gone: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (gone()) throw new Error('it exited');
    if (await ping(port)) return;
    await sleep(50);
  }
  throw new Error('no PONG within 30 s');
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    // While it loads the append-only file Redis answers -LOADING: keep waiting.
    sock.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * If our previous process died without stopping its redis-server, that server still writes to the
 * same append-only file: stop it first. Linux only: redis-server's cwd is its --dir.
 */
async function stopOrphan(pidFile: string, dataDir: string, log: (msg: string) => void): Promise<void> {
  if (process.platform !== 'linux') return;
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cwdOf = (p: number) => readlink(`/proc/${p}/cwd`).catch(() => null);
  if ((await cwdOf(pid)) !== (await realpath(dataDir))) return;

  log(`embedded-redis: stopping redis-server ${pid} left running by a previous process`);
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; (await cwdOf(pid)) !== null; waited += 100) {
    if (waited > 30_000) throw new Error(`embedded-redis: old redis-server ${pid} did not stop; kill it by hand`);
    await sleep(100);
  }
}
