// Errors that end a command with a message for the operator (not a stack trace).
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
  constructor(message: string, readonly exitCode: number, readonly details: readonly string[] = []) {
    super(message);
  }
}
