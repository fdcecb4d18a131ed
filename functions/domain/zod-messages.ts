import { config, type core } from 'zod/mini';

/**
 * Messages for the schema issues a policy author or a caller can cause. zod/mini ships without
 * messages, and its English locale would weigh on the credentials-api bundle's size budget
 * (README, Performance): these few cover our schemas.
 */
function message(issue: core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.join(', ')}`;
    case 'too_small':
      return `must be at least ${issue.minimum}${issue.origin === 'number' ? '' : ' long'}`;
    case 'too_big':
      return `must be at most ${issue.maximum}${issue.origin === 'number' ? '' : ' long'}`;
    case 'unrecognized_keys':
      return `unknown field ${issue.keys.join(', ')}`;
    default:
      return 'is invalid';
  }
}

// Import this module for its effect wherever a schema's messages can reach a caller or a log.
config({ localeError: message });
