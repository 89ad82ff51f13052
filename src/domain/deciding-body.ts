/** The bodies that may decide a motion (domain.md §1.1), with the names villagers know them by. */
export const DECIDING_BODIES = {
  villagers_assembly: '村民会议',
  representatives_assembly: '村民代表会议',
  group_assembly: '村民小组会议',
  members_assembly: '集体经济组织成员大会',
  members_representatives_assembly: '成员代表大会',
  party_assembly: '党员大会',
  two_committees: '两委会议',
  branch_committee: '支委会',
} as const;

export type DecidingBody = keyof typeof DECIDING_BODIES;

export const DECIDING_BODY_KEYS = Object.keys(DECIDING_BODIES) as [DecidingBody, ...DecidingBody[]];

export const decidingBodyLabel = (body: string): string => DECIDING_BODIES[body as DecidingBody] ?? body;
