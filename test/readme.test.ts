import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERDICT_ORDER } from '../shared/core/constants.js';
import { ROOT } from './helpers/load-event.js';
import { parseCfnYaml } from './infra/cfn-yaml.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('sets everything up with the two commands CI runs', () => {
    // Prepare
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');

    // Assess
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toMatch(/^npm test\b/m);
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).toMatch(/^npm test$/m);
  });

  it.each(VERDICT_ORDER)('explains the verdict %s', (verdict) => {
    expect(readme).toContain(`\`${verdict}\``);
  });

  it('names every stack parameter a user sets', () => {
    const config = parseCfnYaml(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as unknown as { params: { default: Record<string, string> } };
    const internal = new Set(['invokeLocal', 'localTableName', 'localAlertTopicArn', 'localDigestTopicArn']);

    const missing = Object.keys(config.params.default).filter((name) => !internal.has(name) && !readme.includes(`\`${name}\``));

    expect(missing).toEqual([]);
  });

  it('documents every environment variable the functions read', () => {
    const sources = ['shared/runtime/config.ts', 'shared/core/digest/config.ts', 'functions/replay.ts'].map((file) => readFileSync(join(ROOT, file), 'utf8')).join('\n');
    const variables = [...new Set([...sources.matchAll(/\b(TABLE_NAME|SLACK_[A-Z_]+|ALERT_TOPIC_ARN|SUPPRESSION_WINDOW_MINUTES|LOCALE|ORG_READ_ROLE_ARN|DIGEST_[A-Z_]+|REPLAY_[A-Z_]+|HISTORY_[A-Z_]+)\b/g)].map((match) => match[1] ?? ''))];

    expect(variables.length).toBeGreaterThan(10);
    expect(variables.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
