/**
 * Record ids: UUID version 7 (RFC 9562), the time in milliseconds followed by random bits, so new rows
 * go at the end of the primary-key index instead of at random places in it (cheaper inserts on SQLite;
 * PostgreSQL's index stays compact). Made here from Node's randomUUID rather than with the uuid
 * package: its v7 draws fresh bytes from WebCrypto on every call, far slower than Node's buffered
 * randomUUID (docs/server-performance.md), and an id is made on every write.
 */
import { randomUUID } from 'node:crypto';

export function timeOrderedId(now = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, V the variant
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
