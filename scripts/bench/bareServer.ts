/**
 * The machine's ceiling for the server bench: node:http alone, reading each request's body and answering
 * a small JSON document, with no framework, sign-in, validation or store. Whatever the PRM server
 * does costs time on top of this; what this reaches at 100 connections on the same machine, against
 * the same load generator, bounds what any server written for Node can reach there.
 * Started as a child process like the real server (server/src/serverProcess.ts), on PORT.
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const server = createServer((request, response) => {
  let length = 0;
  request.on('data', (chunk: Buffer) => (length += chunk.length));
  request.on('end', () => {
    const body = JSON.stringify({ received: length });
    response.writeHead(request.method === 'POST' ? 201 : 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
