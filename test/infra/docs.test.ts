import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCfnYaml } from './cfn-yaml.js';
import { ROOT } from './package-stack.js';

// serverless.yml is not a CloudFormation template, but it uses the same short-form tags.
const config = parseCfnYaml(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as unknown as {
  params: { default: Record<string, string> };
};
const guide = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
const INTERNAL = new Set(['invokeLocal', 'localTableName', 'localAlertTopicArn', 'localDigestTopicArn']);

describe('docs/deploy.md', () => {
  const documented = [...guide.matchAll(/^\| `([A-Za-z]+)` \| ([^|]*) \|/gm)].map((match) => ({
    name: match[1] ?? '',
    default: (match[2] ?? '').trim(),
  }));
  const userParameters = Object.entries(config.params.default).filter(([name]) => !INTERNAL.has(name));

  it('documents every user parameter of serverless.yml, and no other', () => {
    expect(documented.map(({ name }) => name).sort()).toEqual(userParameters.map(([name]) => name).sort());
  });

  it.each(userParameters)('states the real default of %s', (name, value) => {
    const row = documented.find((entry) => entry.name === name);
    const expected = name === 'replayRegions' ? "the stack's Region" : value === '' ? '*(empty)*' : `\`${value}\``;
    expect(row?.default).toBe(expected);
  });
});
