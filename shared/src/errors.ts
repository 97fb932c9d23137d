/**
 * The kinds of failure the core reports. Each carries what a person needs to act: the field and why,
 * or the transition and why. Hosts turn them into their own shapes (RFC 9457 problems, toasts, ...).
 */

export interface FieldProblem {
  /** The field as named in the schema (`customerDomain`), or a path (`lineItems.2.quantity`). */
  field: string;
  message: string;
}

/** Input that breaks a rule: nothing was changed. */
export class ValidationError extends Error {
  readonly problems: FieldProblem[];
  constructor(problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

/** A state change the lifecycle does not allow, or that this person may not make. */
export class TransitionError extends Error {
  readonly from: string;
  readonly to: string;
  constructor(from: string, to: string, reason: string) {
    super(`Cannot go from ${from} to ${to}: ${reason}`);
    this.name = 'TransitionError';
    this.from = from;
    this.to = to;
  }
}

/** The acting person's role does not permit the action. */
export class NotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAllowedError';
  }
}

/**
 * The program's own set-up (its routing rules, tiers) is broken, so a request that is itself fine
 * cannot be carried out. The vendor's to fix: the problems name the configuration, and are for the
 * vendor's people and the log, never for the partner who happened to trigger them.
 */
export class ConfigurationError extends Error {
  readonly problems: FieldProblem[];
  constructor(problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'ConfigurationError';
    this.problems = problems;
  }
}
