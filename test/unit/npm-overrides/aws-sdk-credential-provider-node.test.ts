import { afterEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '#functions/npm-overrides/aws-sdk-credential-provider-node/index.js';

// The functions' credential chain: Lambda's role credentials from the environment, read once.
const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
});

describe('the functions’ environment credential provider', () => {
  it('reads the environment once per client, not on every call', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAFIRSTEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'first-secret';
    const provide = defaultProvider();

    const first = await provide();
    process.env.AWS_ACCESS_KEY_ID = 'AKIASECONDEXAMPLE';
    const second = await provide();

    expect(first.accessKeyId).toBe('AKIAFIRSTEXAMPLE');
    expect(second.accessKeyId).toBe('AKIAFIRSTEXAMPLE');
  });

  it('tries again after a failed read', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const provide = defaultProvider();

    await expect(provide()).rejects.toThrow(/AWS_ACCESS_KEY_ID|credentials/i);
    process.env.AWS_ACCESS_KEY_ID = 'AKIALATEREXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'later-secret';

    expect((await provide()).accessKeyId).toBe('AKIALATEREXAMPLE');
  });
});
