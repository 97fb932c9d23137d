/**
 * The partner's dashboard (dashboard.ts) for the portal's home page: a partner user reads their own,
 * vendor roles any partner's with `?partner=<id>`.
 */
import { z } from 'zod';
import { objectNamed, prmObjects } from '@prm/core/schema/registry';
import { isPartnerUser } from '../auth/policy.ts';
import { ValidationError } from '@prm/core/errors';
import { collectionAction } from '../http/actions.ts';
import { getReferencedRecord } from '../store/repository.ts';
import { partnerDashboard } from './dashboard.ts';

export const actions = [
  collectionAction({
    object: 'partner',
    name: 'dashboard',
    method: 'GET',
    summary:
      "A partner's dashboard: registrations by status, protection ending soon, open lead offers, MDF balance, certified people",
    roles: ['channelAdmin', 'channelManager', 'salesRep', 'partnerAdmin', 'partnerRep'],
    body: z.object({ partner: z.string().max(64).optional() }),
    async run({ tx, actor, now }, query) {
      const partnerId = query.partner ?? (isPartnerUser(actor) ? actor.partnerId : undefined);
      if (!partnerId)
        throw new ValidationError([
          { field: 'partner', message: 'is required: the id of the partner whose dashboard to show' },
        ]);
      // Scoped like any read: another partner is one a partner user cannot see.
      const partner = await getReferencedRecord(tx, actor, objectNamed(prmObjects, 'partner'), partnerId, 'partner');
      return partnerDashboard(tx, partner, now);
    },
  }),
];
