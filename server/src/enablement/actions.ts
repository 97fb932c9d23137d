/** Enablement actions: completing a course in the portal (completions.ts). */
import { z } from 'zod';
import { recordAction } from '../http/actions.ts';
import { completeEnrollment } from './completions.ts';

export const actions = [
  recordAction({
    object: 'enrollment',
    name: 'complete',
    summary: 'Record the learner’s completion in the portal, with their score; grants the course’s certification',
    roles: ['partnerRep', 'partnerAdmin', 'channelManager', 'channelAdmin'],
    body: z.strictObject({
      score: z.number('must be a number from 0 to 100').min(0).max(100).nullable().optional(),
    }),
    async run(context, enrollment, body) {
      return completeEnrollment(context, enrollment, body.score ?? null);
    },
  }),
];
