/**
 * What the concepts attach to the store's infrastructure, registered once by every entry point (the
 * server's app, the `prm` command line, the test stores): the store audits every change without
 * knowing who else acts on it, and refuses to audit before this ran (store/auditHooks.ts).
 */
import { registerKnownCustomersLock } from './deals/knownCustomersLock.ts';
import { registerOutbox } from './webhooks/outbox.ts';

export function registerBusinessHooks(): void {
  registerKnownCustomersLock();
  registerOutbox();
}
