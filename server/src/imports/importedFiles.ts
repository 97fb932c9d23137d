/**
 * The files already imported, by their SHA-256 within the importer's scope (the vendor, or one
 * partner), so the very same file sent again writes nothing.
 */
import type { PrmObject } from '@prm/core/schema/object';
import { type Actor, isPartnerUser } from '../auth/policy.ts';
import type { Tx } from '../store/repository.ts';
import { timeOrderedId } from '../store/ids.ts';
import type { ImportReport } from './importReport.ts';

export function importScope(actor: Actor): string {
  return isPartnerUser(actor) ? `partner:${actor.partnerId}` : 'vendor';
}

export async function alreadyImported(tx: Tx, object: PrmObject, scope: string, sha256: string): Promise<boolean> {
  const row = await tx.db
    .selectFrom('import_file')
    .select('id')
    .where('object', '=', object.name)
    .where('scope', '=', scope)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  return Boolean(row);
}

/** Keeps the imported file's hash and counts, in the import's transaction (a second copy is no error). */
export async function recordImportedFile(
  tx: Tx,
  at: Date,
  actor: Actor,
  object: PrmObject,
  scope: string,
  report: ImportReport,
  fileName: string | undefined,
): Promise<void> {
  await tx.db
    .insertInto('import_file')
    .values({
      id: timeOrderedId(),
      object: object.name,
      sha256: report.sha256,
      scope,
      file_name: fileName?.slice(0, 255) ?? null,
      actor_id: actor.userId,
      rows: report.rows,
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      imported_at: at.toISOString(),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
