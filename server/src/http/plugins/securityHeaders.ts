/** Headers every answer carries: no content sniffing, no referrer, and a strict content security policy. */
import type { FastifyInstance } from 'fastify';

export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
    );
    return payload;
  });
}
