/**
 * What `prm import` and `prm export` share: the store they work on directly (DATABASE_URL or
 * PRM_DATA_FILE, default data/prm.sqlite, migrations applied) and the actor they act as.
 */
import { openStore, type Store } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import type { Actor } from '../auth/policy.ts';
import { registerBusinessHooks } from '../businessHooks.ts';

/**
 * Someone with shell access to the server's data is its administrator, so the commands act as the
 * channel admin; the audit log names this actor, so their writes are told apart from people's.
 */
export const commandLineAdmin: Actor = {
  userId: 'prm-cli',
  name: 'prm command line',
  email: 'prm-cli@prm.invalid',
  role: 'channelAdmin',
  partnerId: null,
};

export async function openMigratedStore(): Promise<Store> {
  registerBusinessHooks();
  const store = openStore();
  await migrate(store);
  return store;
}
