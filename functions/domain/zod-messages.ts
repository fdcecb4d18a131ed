import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini ships without messages; load the English ones, and only those (all locales: ~400 KB).
// Import this module for its effect wherever a schema's messages can reach a caller or a log.
config(en());
