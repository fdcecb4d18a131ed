import { describe, expect, it } from 'vitest';
import { policy, TARGETS, write } from '#support/policy-cli.js';

// `npm run policy -- <command>`: what a reviewer sees and the exit codes scripts rely on.

describe('npm run policy -- check, on who may be whom', () => {
  const rule = (name: string, principal: string, extra: string) =>
    `  - name: ${name}\n    principals: ["${principal}"]\n    targets: [analytics]\n${extra}`;

  it('warns, and fails under --strict, where two rules can issue one db user to different principals', () => {
    const file = write(
      'shared-users.yaml',
      `version: 1\n${TARGETS}rules:\n${rule('etl-roles', 'arn:aws:iam::123456789012:role/etl-*', '    dbUser: "u_${roleName}"\n')}${rule('sso-analysts', 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_*/*', '    dbUser: "u_${sessionName}"\n    trustSessionName: true\n')}${rule('people', 'arn:aws:iam::123456789012:user/*', '    dbUser: "u_${userName}"\n')}`,
    );

    const lenient = policy(['check', file]);
    const strict = policy(['check', '--strict', file]);

    expect(lenient.code).toBe(0);
    expect(strict.code).toBe(1);
    expect(lenient.stdout).toContain(
      `${file}:5: warning rules[0] (etl-roles) and rules[1] (sso-analysts) can both issue db user "u_etl-" on cluster examplecluster, to different principals: arn:aws:sts::123456789012:assumed-role/etl-/aa (by rules[0] (etl-roles)) and arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_/etl- (by rules[1] (sso-analysts))`,
    );
    expect(lenient.stdout).toMatch(
      /warning rules\[0\] \(etl-roles\) and rules\[2\] \(people\) can both issue db user "u_etl-" .* arn:aws:iam::123456789012:user\/etl- \(by rules\[2\] \(people\)\)/,
    );
    expect(lenient.stdout).toMatch(/warning rules\[1\] \(sso-analysts\) and rules\[2\] \(people\)/);
  });

  it('warns where an allow rule decides part of what a later deny rule names, with an example caller', () => {
    const file = write(
      'allow-before-deny.yaml',
      `version: 1\n${TARGETS}rules:\n${rule('finance', 'arn:aws:iam::123456789012:role/fin-*', '    dbUser: "fin_${roleName}"\n')}  - name: no-contractors\n    principals: ["arn:aws:iam::123456789012:role/*-contractor"]\n    effect: deny\n`,
    );

    const { code, stdout } = policy(['check', '--strict', file]);

    expect(code).toBe(1);
    expect(stdout).toContain(
      `${file}:5: warning rules[0] (finance) decides part of what the later deny rule rules[1] (no-contractors) names, so that rule never refuses it: rules[0] (finance) decides arn:aws:sts::123456789012:assumed-role/fin-contractor/aa`,
    );
  });

  it('refuses a rule trusting session names of roles anyone could create, naming rule and field', () => {
    const file = write(
      'look-alike-roles.yaml',
      `version: 1\n${TARGETS}rules:\n${rule('analysts', 'arn:aws:sts::123456789012:assumed-role/Analyst-*/*', '    dbUser: "sso_${sessionName}"\n    trustSessionName: true\n')}`,
    );

    const { code, stdout } = policy(['check', file]);

    expect(code).toBe(1);
    expect(stdout).toContain(
      `${file}:6: error rules[0].principals[0] (rule #0 analysts): trustSessionName needs each role named without wildcards, its account too`,
    );
  });
});

describe('npm run policy -- check --config-env', () => {
  it('fails where an environment of samconfig.toml would not grant a target, naming it', () => {
    // The example cluster under the shipped [prod], which names its own.
    const { code, stdout } = policy(['check', '--config-env', 'prod', 'local/policy.yaml']);

    expect(code).toBe(1);
    expect(stdout).toContain(
      'local/policy.yaml:8: error targets.analytics.clusterIdentifier: "examplecluster" is not one the deployment grants (RedshiftClusterIdentifiers: prod-dwh)',
    );
  });

  it('passes where it grants every target, and refuses an environment that does not exist', () => {
    const granted = write(
      'granted.yaml',
      `version: 1\n${TARGETS}rules:\n  - name: etl\n    principals: ["arn:aws:iam::123456789012:role/etl-*"]\n    targets: [analytics]\n    dbUser: "etl_\${roleName}"\n`,
    );

    expect(policy(['check', '--config-env', 'default', granted]).code).toBe(0);
    expect(policy(['check', '--config-env', 'staging', granted])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^policy: samconfig.toml has no \[staging\] environment/),
    });
  });
});

describe('npm run policy -- explain, with a role ARN', () => {
  it('says that a role calls as its sessions, and shows the form to explain', () => {
    const { code, stdout } = policy([
      'explain',
      '--principal',
      'arn:aws:iam::123456789012:role/etl-loader',
      'local/policy.yaml',
    ]);

    expect(code).toBe(1);
    expect(stdout).toContain(
      'its sessions do, as arn:aws:sts::123456789012:assumed-role/etl-loader/SESSION',
    );
  });
});

describe('npm run policy -- check, on YAML that does not parse', () => {
  it('reports a duplicated key at its own line, naming it', () => {
    const file = write('duplicate-key.yaml', `version: 1\n${TARGETS}rules: []\ntargets: {}\n`);

    const { code, stdout } = policy(['check', file]);

    expect(code).toBe(1);
    expect(stdout).toContain(`${file}:5: error (yaml line 5): duplicated mapping key "targets"`);
  });
});
