/** The small set of errors services throw; the Fastify error handler maps them to {statusCode, error, message}. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    /** machine-readable specifics, e.g. every bad row of an import with its line and column */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class NotFound extends AppError {
  constructor(message: string) {
    super(404, 'Not Found', message);
  }
}

export class Conflict extends AppError {
  constructor(message: string) {
    super(409, 'Conflict', message);
  }
}

export class Forbidden extends AppError {
  constructor(message: string) {
    super(403, 'Forbidden', message);
  }
}

export class Unauthorized extends AppError {
  constructor(message: string) {
    super(401, 'Unauthorized', message);
  }
}

export class Validation extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'Bad Request', message, details);
  }
}
