import { describe, expect, it } from 'vitest';
import { parseDbUserTemplate } from '#domain/policy/db-user-template.js';

const parse = (source: string) => {
  const template = parseDbUserTemplate(source);
  if ('problem' in template) throw new Error(template.problem);
  return template;
};

describe('parseDbUserTemplate', () => {
  it('renders the principal’s variables and lower-cases the result', () => {
    const template = parse('etl_${roleName}_${accountId}');

    expect(template.render({ roleName: 'ETL-Loader', accountId: '123456789012' })).toEqual({
      name: 'etl_etl-loader_123456789012',
    });
    expect([...template.variables]).toEqual(['roleName', 'accountId']);
  });

  it('refuses a variable used twice', () => {
    expect(parseDbUserTemplate('${roleName}_${roleName}')).toEqual({
      problem: 'uses ${roleName} twice: a variable may appear once',
    });
  });

  it('renders a fixed name as it is written, lower-cased', () => {
    expect(parse('Reporting').render({})).toEqual({ name: 'reporting' });
  });

  it('names the first variable the principal lacks instead of rendering an empty part', () => {
    expect(parse('u_${userName}').render({ roleName: 'etl' })).toEqual({ missing: 'userName' });
  });

  it('renders a value with "${" in it literally, never as another placeholder', () => {
    expect(parse('${sessionName}').render({ sessionName: '${roleName}' })).toEqual({
      name: '${rolename}',
    });
  });

  it.each([
    ['an unknown variable', 'u_${email}', 'unknown variable ${email}'],
    ['an empty placeholder', 'u_${}', 'unknown variable ${}'],
    ['a stray dollar', 'u_$roleName', 'a "$" must start a ${variable}'],
    ['an unclosed placeholder', 'u_${roleName', 'a "$" must start a ${variable}'],
  ])('rejects %s', (_, source, problem) => {
    expect(parseDbUserTemplate(source)).toEqual({ problem });
  });
});
