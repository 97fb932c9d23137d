/**
 * `npm start`: the PRM server on the embedded store (./data/prm.sqlite, or PRM_DATA_FILE), or on
 * PostgreSQL when DATABASE_URL is set; loads the demo program into an empty embedded store.
 */
import { startServer } from './server.ts';

const server = await startServer({
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? '127.0.0.1',
  log: (line) => console.log(line),
});
console.log(`PRM server on ${server.store.dialect} (${server.store.location})`);
console.log(`Open ${server.url}/ for the demo logins, ${server.url}/api/docs for the API.`);
const shutdown = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
