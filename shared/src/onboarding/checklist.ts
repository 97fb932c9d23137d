/**
 * The onboarding checklist: five steps from accepted application to first deal. Finishing a step opens
 * the next, so a partner always sees one clear thing to do. Steps are finished by the events that prove
 * them (the agreement signed, a training completed, ...), not ticked by hand.
 */
import { DateTime } from 'luxon';
import type { OnboardingTask } from '../generated/types.ts';
import { TransitionError, ValidationError } from '../errors.ts';

export type OnboardingStep = OnboardingTask['step'];
export type ChecklistTask = Pick<
  OnboardingTask,
  'partner' | 'name' | 'step' | 'sequence' | 'status' | 'dueOn' | 'completedAt'
>;

export const onboardingSteps: ReadonlyArray<{ step: OnboardingStep; name: string; dueAfterDays: number }> = [
  { step: 'sign_agreement', name: 'Sign the partner agreement', dueAfterDays: 7 },
  { step: 'grant_portal_access', name: 'Give your team portal access', dueAfterDays: 10 },
  { step: 'assign_training', name: 'Assign onboarding training', dueAfterDays: 14 },
  { step: 'complete_training', name: 'Complete onboarding training', dueAfterDays: 45 },
  { step: 'register_first_deal', name: 'Register your first deal', dueAfterDays: 90 },
];

export function onboardingChecklist(partner: string, acceptedOn: string): ChecklistTask[] {
  const start = DateTime.fromISO(acceptedOn, { zone: 'utc' });
  return onboardingSteps.map((step, index) => ({
    partner,
    name: step.name,
    step: step.step,
    sequence: index + 1,
    status: index === 0 ? 'open' : 'not_started',
    dueOn: start.plus({ days: step.dueAfterDays }).toISODate()!,
    completedAt: null,
  }));
}

/** Events that finish a step. */
export type OnboardingEvent =
  | { kind: 'agreement_signed'; at: string }
  | { kind: 'portal_access_granted'; at: string }
  | { kind: 'training_assigned'; at: string }
  | { kind: 'training_completed'; at: string }
  | { kind: 'deal_registered'; at: string };

const stepFinishedBy: Record<OnboardingEvent['kind'], OnboardingStep> = {
  agreement_signed: 'sign_agreement',
  portal_access_granted: 'grant_portal_access',
  training_assigned: 'assign_training',
  training_completed: 'complete_training',
  deal_registered: 'register_first_deal',
};

/**
 * Applies an event: its step is done and the next open. An event for a step not yet open (a deal
 * registered before the agreement is signed) is refused: later steps depend on earlier ones.
 * An event for a step already done changes nothing, so replays are harmless.
 */
export function applyOnboardingEvent<T extends ChecklistTask>(tasks: readonly T[], event: OnboardingEvent): T[] {
  const step = stepFinishedBy[event.kind];
  const ordered = [...tasks].sort((a, b) => a.sequence - b.sequence);
  const index = ordered.findIndex((task) => task.step === step);
  if (index === -1) throw new ValidationError([{ field: 'step', message: `The checklist has no ${step} step.` }]);
  const task = ordered[index];
  if (task.status === 'done' || task.status === 'skipped') return ordered;
  if (task.status !== 'open')
    throw new TransitionError(
      task.status,
      'done',
      `finish "${ordered.find((t) => t.status === 'open')?.name ?? 'the earlier steps'}" first.`,
    );
  ordered[index] = { ...task, status: 'done', completedAt: event.at };
  const next = ordered.findIndex((t, i) => i > index && t.status === 'not_started');
  if (next !== -1) ordered[next] = { ...ordered[next], status: 'open' };
  return ordered;
}

export function isOnboardingComplete(tasks: readonly ChecklistTask[]): boolean {
  return tasks.every((task) => task.status === 'done' || task.status === 'skipped');
}

/** The start of time to first deal: when the agreement was signed. */
export function onboardingCompletedAt(tasks: readonly ChecklistTask[]): string | null {
  return tasks.find((task) => task.step === 'sign_agreement' && task.status === 'done')?.completedAt ?? null;
}
