// The few kinds of failure a use-case can report; the HTTP edge maps each once to problem+json.
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends DomainError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(422, 'Invalid input', `${field}: ${reason}`);
  }
}

export class NotFound extends DomainError {
  constructor(what: string) {
    super(404, 'Not found', `${what} not found`);
  }
}

export class Forbidden extends DomainError {
  constructor(reason = 'not allowed') {
    super(403, 'Forbidden', reason);
  }
}

export class Unauthorized extends DomainError {
  constructor(reason = 'authentication required') {
    super(401, 'Unauthorized', reason);
  }
}

export class Conflict extends DomainError {
  constructor(
    readonly field: string | undefined,
    reason: string,
  ) {
    super(409, 'Conflict', reason);
  }
}

export class TooManyRequests extends DomainError {
  constructor(
    reason: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'Too many requests', reason);
  }
}
