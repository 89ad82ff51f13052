#!/bin/sh
echo "The native Prisma schema engine is not available offline. Use 'npm run migrate' to apply migrations and 'npm run migration:diff' to author them." >&2
exit 1
