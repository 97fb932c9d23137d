/**
 * The real server (`server/src/main.ts`) as a child process, for the tests that kill it with -9 and the
 * server bench, which must measure it apart from the load generator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** A port nothing listens on now (the server is then started on it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * Starts the server with these settings on top of this process's environment and waits until it
 * answers on `port`; stderr is passed through so a failure to start is seen. `script` is another
 * server to start the same way (the bench's bare node:http ceiling).
 */
export async function startServerProcess(
  env: Record<string, string>,
  port: number,
  script = 'server/src/main.ts',
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('The server did not start within 10 s.');
}
