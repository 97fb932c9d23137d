/**
 * The `prm` command line: `npm run --silent prm -- <command> [options]`.
 * Each command is a module in ./commands/<command>.ts exporting `describe` (one line) and `run(argv)`,
 * so a new command needs no change here.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface PrmCommand {
  describe: string;
  /** Resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** A failure the user can act on: printed as one line without a stack trace, exit code 1 (or `exitCode`). */
export class UsageError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}

// Piping into `head` closes stdout early; that ends the command quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const commandsDir = join(import.meta.dirname, 'commands');
const available = readdirSync(commandsDir)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
  .map((file) => basename(file, '.ts'))
  .sort();

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    const lines = await Promise.all(
      available.map(async (command) => {
        const module = (await import(join(commandsDir, `${command}.ts`))) as PrmCommand;
        return `  ${command.padEnd(12)} ${module.describe}`;
      }),
    );
    console.log(`Usage: npm run --silent prm -- <command> [options]\n\nCommands:\n${lines.join('\n')}`);
    return name ? 0 : 1;
  }
  if (!available.includes(name)) {
    throw new UsageError(`Unknown command "${name}". Commands: ${available.join(', ') || '(none)'}.`);
  }
  const command = (await import(join(commandsDir, `${name}.ts`))) as PrmCommand;
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`prm: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      console.error(error);
      process.exitCode = 2;
    }
  },
);
