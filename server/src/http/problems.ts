/**
 * Every error the API returns is an RFC 9457 problem document (`application/problem+json`) that says
 * what went wrong and, for input, which field and why.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  ConfigurationError,
  NotAllowedError,
  TransitionError,
  ValidationError,
  type FieldProblem,
} from '@prm/core/errors';
import { ForbiddenError, type Actor, isPartnerUser } from '../auth/policy.ts';
import { IntegrityError, NotFoundError, VersionConflictError } from '../store/repository.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
}

/** A problem the API raises itself (bad headers, missing sign-in, replayed keys). */
export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly errors?: FieldProblem[];
  constructor(status: number, type: string, title: string, detail: string, errors?: FieldProblem[]) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = errors;
  }
}

const problemType = (slug: string) => `/problems/${slug}`;

/**
 * `audience` is who asked: a program configuration error is shown in full to the vendor's people, and
 * to a partner only as a plain message (the rules and tiers are the vendor's, and 403 to partners).
 */
export function toProblem(error: unknown, audience: Actor | null = null): Problem {
  if (error instanceof HttpProblem) {
    return {
      type: problemType(error.type),
      title: error.title,
      status: error.status,
      detail: error.message,
      errors: error.errors,
    };
  }
  if (error instanceof ValidationError) {
    return {
      type: problemType('validation'),
      title: 'The input is not valid',
      status: 422,
      detail: error.message,
      errors: error.problems,
    };
  }
  if (error instanceof ForbiddenError) {
    return {
      type: problemType('forbidden'),
      title: 'Not allowed',
      status: 403,
      detail: error.message,
      ...(error.problems.length ? { errors: error.problems } : {}),
    };
  }
  if (error instanceof NotAllowedError)
    return { type: problemType('forbidden'), title: 'Not allowed', status: 403, detail: error.message };
  if (error instanceof NotFoundError)
    return { type: problemType('not-found'), title: error.title, status: 404, detail: error.message };
  if (error instanceof VersionConflictError) {
    return {
      type: problemType('version-conflict'),
      title: 'The record has changed',
      status: 412,
      detail: error.message,
    };
  }
  if (error instanceof IntegrityError)
    return {
      type: problemType('integrity'),
      title: 'Conflicts with other records',
      status: 409,
      detail: error.message,
    };
  if (error instanceof ConfigurationError) {
    const vendor = audience !== null && !isPartnerUser(audience);
    return {
      type: problemType('program-configuration'),
      title: 'The program’s set-up needs fixing',
      status: 409,
      detail: vendor
        ? `The program’s configuration is broken (GET /api/routing-rules/problems lists it): ${error.message}`
        : 'This cannot be done until the vendor fixes the program’s set-up; nothing was changed. Try again later.',
      ...(vendor ? { errors: error.problems } : {}),
    };
  }
  if (error instanceof TransitionError)
    return { type: problemType('transition'), title: 'Not possible in this state', status: 409, detail: error.message };
  const fastify = error as FastifyError;
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    const field = fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'Content-Type' : 'body';
    return {
      type: problemType('bad-request'),
      title: 'The request could not be read',
      status: fastify.statusCode,
      detail: fastify.message,
      errors: [{ field, message: fastify.message }],
    };
  }
  return {
    type: problemType('internal'),
    title: 'Something went wrong on our side',
    status: 500,
    detail: 'The error was logged; nothing was changed.',
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const actor = (request as { actor?: Actor | null }).actor ?? null;
  const problem = { ...toProblem(error, actor), instance: request.url };
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  // The vendor hears of its own configuration's faults whoever ran into them.
  if (error instanceof ConfigurationError)
    request.log.error({ problems: error.problems, actor: actor?.userId }, 'program configuration is broken');
  return reply.code(problem.status).type('application/problem+json').send(problem);
}
