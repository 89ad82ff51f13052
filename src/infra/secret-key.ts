import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseSecretKey } from '../domain/secret-box.ts';

/**
 * The AES-256-GCM key for channel secrets. Deployments pass SECRET_KEY; the embedded default keeps a
 * generated key beside its data (./.data/secret.key) so sealed secrets still open after a restart.
 */
export async function resolveSecretKey(configured: string | undefined, dataDir: string, embedded: boolean): Promise<{ key: Buffer; generated: boolean }> {
  if (configured) return { key: parseSecretKey(configured), generated: false };
  if (!embedded) throw new Error('SECRET_KEY is required when DATABASE_URL is set: generate one with `openssl rand -base64 32`');
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) return { key: parseSecretKey((await readFile(file, 'utf8')).trim()), generated: false };
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  await writeFile(file, key + '\n', { mode: 0o600 });
  return { key: parseSecretKey(key), generated: true };
}
