import * as z from 'zod/mini';

// zod/mini ships without messages; load the English ones once, for readable policy and request errors.
z.config(z.locales.en());

export { z };
