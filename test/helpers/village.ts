import { expect } from 'vitest';
import type { Harness } from './harness.ts';

export type Auth = Record<string, string>;

/** Creates a village through the API as admin and issues its role tokens. */
export async function createVillageWithTokens(h: Harness, village: { name: string; code: string; meetingRule?: object }) {
  const created = await h.app.inject({
    method: 'POST',
    url: '/api/villages',
    headers: h.adminAuth,
    payload: { meetingRule: { kind: 'monthlyDay', day: 5, time: '19:30' }, ...village },
  });
  expect(created.statusCode).toBe(201);
  const villageId: string = created.json().id;
  const tokenOf = async (role: 'secretary' | 'committee' | 'accountant'): Promise<Auth> => {
    const res = await h.app.inject({ method: 'POST', url: `/api/villages/${villageId}/tokens`, headers: h.adminAuth, payload: { role } });
    expect(res.statusCode).toBe(201);
    return { authorization: `Bearer ${res.json().token}` };
  };
  return { villageId, secretary: await tokenOf('secretary'), committee: await tokenOf('committee') };
}
