import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../store/prisma.ts';
import { Forbidden, Unauthorized } from './errors.ts';

export type TokenRole = 'admin' | 'secretary' | 'committee' | 'accountant';

export interface Principal {
  tokenId: string;
  role: TokenRole;
  /** null for admin tokens, which span every village */
  villageId: string | null;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const generateToken = () => `yg_${randomBytes(24).toString('base64url')}`;

/** Resolves the bearer token of a request; 401 when missing, unknown or revoked. */
export async function authenticate(db: Db, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw new Unauthorized('Missing bearer token: send "Authorization: Bearer <token>"');
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(match[1]) } });
  if (!row || row.revokedAt) throw new Unauthorized('Unknown or revoked token');
  return { tokenId: row.id, role: row.role, villageId: row.villageId };
}

/** Admins may act anywhere; other roles only in their own village and only when the route allows the role. */
export function authorize(principal: Principal, villageId: string | null, allowed: readonly TokenRole[]): void {
  if (principal.role === 'admin') return;
  if (!allowed.includes(principal.role)) throw new Forbidden(`Role "${principal.role}" may not do this`);
  if (villageId !== null && principal.villageId !== villageId) throw new Forbidden('This token belongs to another village');
}

export const actorOf = (p: Principal) => `token:${p.role}:${p.tokenId}`;

export const ANY_VILLAGE_ROLE: readonly TokenRole[] = ['secretary', 'committee', 'accountant'];
export const SECRETARY: readonly TokenRole[] = ['secretary'];
export const ACCOUNTANT: readonly TokenRole[] = ['accountant'];
export const COMMITTEE: readonly TokenRole[] = ['committee'];
