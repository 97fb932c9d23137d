/** What an import answers: its report (counts, errors by line and field), its options and its refusals. */
import type { PrmObject } from '@prm/core/schema/object';
import type { Actor } from '../auth/policy.ts';

export interface RowError {
  /** The physical line of the CSV file the row starts on, the header being line 1. */
  line: number;
  field: string;
  message: string;
}

export interface ImportReport {
  object: string;
  status: 'imported' | 'already imported' | 'dry run' | 'rejected';
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  sha256: string;
  errors: RowError[];
  /** Errors found beyond the first `maxErrors`, counted but not listed. */
  moreErrors: number;
}

export interface ImportProgress {
  rows: number;
  bytes: number;
}

export interface ImportOptions {
  actor: Actor;
  object: PrmObject;
  now: () => Date;
  /** Check and count everything, then roll back. */
  dryRun?: boolean;
  /** Import even if the very same file was imported before (rows are still matched, so nothing doubles). */
  force?: boolean;
  fileName?: string;
  /**
   * The file's SHA-256 when the caller could hash it beforehand (a file on disk): a file imported
   * before is then recognised without reading it again. Streams are hashed as they are read.
   */
  sha256?: string;
  maxErrors?: number;
  /** A file larger than this is refused (the API's limit; the command line has none). */
  maxBytes?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/** The file cannot be imported at all (bad header, malformed CSV, too large): nothing was written. */
export class ImportFileError extends Error {
  readonly problems: RowError[];
  readonly status: number;
  constructor(message: string, problems: RowError[], status = 422) {
    super(message);
    this.name = 'ImportFileError';
    this.problems = problems;
    this.status = status;
  }
}
