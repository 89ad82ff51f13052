import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from './errors.ts';

/** One shape for every failure: {statusCode, error, message, requestId}; validation names the bad field. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const requestId = request.id;
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const message = err.validation
        .map((v) => {
          const field = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
          return `${where}${field ? '.' + field : ''}: ${v.message}`;
        })
        .join('; ');
      return reply.status(400).send({ statusCode: 400, error: 'Bad Request', message, requestId });
    }
    if (err instanceof AppError) {
      const details = err.details === undefined ? {} : { details: err.details };
      return reply.status(err.statusCode).send({ statusCode: err.statusCode, error: err.error, message: err.message, requestId, ...details });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.status(500).send({ statusCode: 500, error: 'Internal Server Error', message: '服务器内部错误，请稍后重试', requestId });
    }
    // Fastify's own client errors (bad JSON, body too large, wrong content type) keep their status and text.
    return reply.status(status).send({ statusCode: status, error: httpErrorName(status), message: err.message, requestId });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `Route ${request.method} ${request.url} not found`, requestId: request.id }),
  );
}

function httpErrorName(status: number): string {
  const names: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests' };
  return names[status] ?? 'Error';
}
