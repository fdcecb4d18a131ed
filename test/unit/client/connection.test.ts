import fc from 'fast-check';
import { parse } from 'pg-connection-string';
import { describe, expect, it } from 'vitest';
import { connectionUri, pgConfig, pgEnvironment, pgPoolConfig, pgpassLine } from '#client/index.js';

const credentials = (dbPassword: string, dbUser = 'IAM:reporting') => ({
  dbUser,
  dbPassword,
  host: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
  port: 5439,
  database: 'exampledb',
});

const HOSTILE = '/=+#%@:';
const hostilePassword = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...HOSTILE),
    fc.constantFrom(...'aZ09?&\\ \'"'),
    fc.string({ unit: 'grapheme', maxLength: 1 }),
  ),
  minLength: 1,
  maxLength: 64,
});

describe('attribution', () => {
  const REQUEST = '5f0d6c2e-8a43-4a1c-9d51-0c9f2a7e1b11';
  const attributed = { ...credentials('pw'), requestId: REQUEST };

  it('marks every connection with application_name rcv:<requestId>', () => {
    expect(pgConfig(attributed).application_name).toBe(`rcv:${REQUEST}`);
    expect(parse(connectionUri(attributed)).application_name).toBe(`rcv:${REQUEST}`);
    expect(pgEnvironment(attributed).PGAPPNAME).toBe(`rcv:${REQUEST}`);
  });

  it('names no application when the vendor named no request', () => {
    expect(pgConfig(credentials('pw'))).not.toHaveProperty('application_name');
    expect(connectionUri(credentials('pw'))).not.toContain('application_name');
    expect(pgEnvironment(credentials('pw'))).not.toHaveProperty('PGAPPNAME');
  });
});

describe('connectionUri', () => {
  it('round-trips a password with every character that breaks URLs, through pg’s own parser', () => {
    const uri = connectionUri(credentials(`a/b=c+d#e%f@g:h${HOSTILE}`));

    expect(parse(uri)).toMatchObject({
      user: 'IAM:reporting',
      password: `a/b=c+d#e%f@g:h${HOSTILE}`,
      host: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
      port: '5439',
      database: 'exampledb',
      sslmode: 'verify-full',
    });
  });

  it('round-trips any password and user name through pg’s parser', () => {
    fc.assert(
      fc.property(hostilePassword, hostilePassword, (password, user) => {
        const parsed = parse(connectionUri(credentials(password, `IAMA:${user}`)));
        expect(parsed.password).toBe(password);
        expect(parsed.user).toBe(`IAMA:${user}`);
        expect(parsed.host).toBe('examplecluster.abc123.us-east-1.redshift.amazonaws.com');
      }),
      { numRuns: 500 },
    );
  });
});

describe('connectionUri, the host', () => {
  it.each([
    [
      'a DNS name',
      'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
      'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
    ],
    ['an IPv4 address', '10.0.12.7', '10.0.12.7'],
    ['an IPv6 address', 'fd00::7', '[fd00::7]'],
  ])('puts %s where pg reads the host', (_, host, expected) => {
    const parsed = parse(connectionUri({ ...credentials('p'), host }));

    expect(parsed).toMatchObject({
      host: expected.replace(/^\[|\]$/g, ''),
      port: '5439',
      database: 'exampledb',
    });
  });

  it('encodes a host that is not one, so it can never become another part of the URI', () => {
    const uri = connectionUri({
      ...credentials('p'),
      host: 'evil.example.com/other?sslmode=disable#',
    });

    expect(uri).toMatch(/\?sslmode=verify-full$/);
    expect(parse(uri)).toMatchObject({ database: 'exampledb', sslmode: 'verify-full' });
  });
});

describe('pgConfig', () => {
  it('always verifies the server certificate, whatever SSL options it is given', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything()), (ssl) => {
        expect(pgConfig(credentials('p'), { ssl }).ssl.rejectUnauthorized).toBe(true);
      }),
    );
    expect(pgConfig(credentials('p'), { ssl: { rejectUnauthorized: false } }).ssl).toEqual({
      rejectUnauthorized: true,
    });
  });

  it('keeps extra TLS options such as a CA bundle', () => {
    expect(pgConfig(credentials('p'), { ssl: { ca: 'PEM' } })).toEqual({
      host: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
      port: 5439,
      database: 'exampledb',
      user: 'IAM:reporting',
      password: 'p',
      ssl: { ca: 'PEM', rejectUnauthorized: true },
    });
  });
});

describe('pgEnvironment and pgpassLine', () => {
  it('requires verify-full SSL in the libpq environment', () => {
    expect(pgEnvironment(credentials('p'))).toEqual({
      PGHOST: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
      PGPORT: '5439',
      PGDATABASE: 'exampledb',
      PGUSER: 'IAM:reporting',
      PGPASSWORD: 'p',
      PGSSLMODE: 'verify-full',
    });
  });

  it('escapes colons and backslashes in a .pgpass line', () => {
    expect(pgpassLine(credentials('a:b\\c'))).toBe(
      'examplecluster.abc123.us-east-1.redshift.amazonaws.com:5439:exampledb:IAM\\:reporting:a\\:b\\\\c',
    );
  });
});

describe('pgPoolConfig', () => {
  it('asks the vendor for the password of each new connection, so a pool follows renewals', async () => {
    const issued = ['first-password', 'renewed-password'];
    let calls = 0;
    const vendor = {
      getCredentials: async () => ({
        ...credentials(issued[Math.min(calls++, 1)] ?? ''),
        expiration: new Date(Date.now() + 60_000),
        requestId: 'request',
        target: 'analytics',
        dbGroups: [],
      }),
    };

    const config = await pgPoolConfig(vendor, { target: 'analytics' });

    expect(config).toMatchObject({ user: 'IAM:reporting', ssl: { rejectUnauthorized: true } });
    expect(typeof config.password).toBe('function');
    expect(await config.password()).toBe('renewed-password');
  });
});
