/** A mistake in the command line: one line, exit 2. */
export class UsageError extends Error {}

/** A setup problem the user can fix: one line, exit 1. */
export class SetupError extends Error {}
