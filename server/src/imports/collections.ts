/** Which PRM object a name given by a person means: the REST collection (`sales-orders`) or the object (`salesOrder`). */
import { prmObjects } from '@prm/core/schema/registry';
import type { PrmObject } from '@prm/core/schema/object';
import { restCollection } from '@prm/core/hosts/rest';

export function objectForCollection(name: string): PrmObject | undefined {
  return prmObjects.find((object) => restCollection(object) === name || object.name === name);
}
