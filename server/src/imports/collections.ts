/** Which PRM object a name given by a person means: the REST collection (`sales-orders`) or the object (`salesOrder`). */
import { prmObjects } from '../../../shared/src/schema/registry.ts';
import type { PrmObject } from '../../../shared/src/schema/object.ts';
import { restCollection } from '../../../shared/src/hosts/rest.ts';

export function objectForCollection(name: string): PrmObject | undefined {
  return prmObjects.find((object) => restCollection(object) === name || object.name === name);
}
