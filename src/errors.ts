/** Expected failure caused by what the user typed or submitted; becomes a friendly message or card with field errors. */
export class UserInputError extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
    this.name = 'UserInputError';
  }
}

/** The user's role does not allow the action. */
export class ForbiddenError extends Error {
  constructor(message = 'Sorry, only authorised staff can do that.') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** Someone else changed the record first (a lost ETag race). */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly by?: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}
