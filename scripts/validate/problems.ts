/** A problem a validator found: the file, and what is wrong with it in words a developer can act on. */
export interface Problem {
  /** Relative to the folder validated, forward slashes. */
  file: string;
  message: string;
}

export const formatProblem = (problem: Problem): string => `${problem.file}: ${problem.message}`;
