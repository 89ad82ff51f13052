/** Prisma's unique-constraint error (P2002), recognised without importing the generated runtime. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
}
