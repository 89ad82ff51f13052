import { constants } from 'node:os';
import { createServer } from 'node:net';

/** Shared by the embedded PostgreSQL and Redis runners. */
export const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// Marks our fallback handlers so that neither runner takes the other's for the app's own.
const FALLBACK = Symbol.for('yangguang.embedded.signal-fallback');

/**
 * A signal nobody handles would end Node without an 'exit' event (leaving the servers running), so then
 * we exit ourselves; when the app handles the signal, it shuts down and calls stop() itself.
 */
export const exitOnSignal = Object.assign(
  (sig: NodeJS.Signals) => {
    if (process.listeners(sig).some((l) => !(FALLBACK in l))) return;
    process.exit(128 + (constants.signals as Record<string, number>)[sig]);
  },
  { [FALLBACK]: true },
);

/** A port that was free on 127.0.0.1 a moment ago (callers retry if another process takes it first). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
