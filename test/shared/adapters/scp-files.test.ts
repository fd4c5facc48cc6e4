import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScpFiles } from '../../../shared/adapters/scp-files.js';

const FIXTURES = join(__dirname, '../../fixtures/fix');
const DENY = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }] };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scp-files-'));
  await writeFile(join(dir, 'levels.json'), JSON.stringify([DENY, [DENY, DENY], []]));
  await writeFile(join(dir, 'bom.json'), `\uFEFF${JSON.stringify(DENY)}`);
  await writeFile(join(dir, 'broken.json'), '{"Version": ');
  await writeFile(join(dir, 'not-scp.json'), JSON.stringify({ Version: '2012-10-17' }));
  await writeFile(join(dir, 'bad-level.json'), JSON.stringify([DENY, [{ nope: true }]]));
  await writeFile(join(dir, 'statement-string.json'), JSON.stringify({ Version: '2012-10-17', Statement: 'Deny everything' }));
  await writeFile(join(dir, 'effect-block.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Block', Action: '*', Resource: '*' }] }));
  await writeFile(
    join(dir, 'operator-typo.json'),
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'RegionDeny', Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { StringNotEqualz: { 'aws:RequestedRegion': ['eu-west-1'] } } }] }),
  );
  await writeFile(join(dir, 'level-invalid.json'), JSON.stringify([DENY, { Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] }]));
  // The output of `aws organizations describe-policy --policy-id p-examplescp1` (Content is the policy as a string).
  await writeFile(
    join(dir, 'described.json'),
    JSON.stringify({
      Policy: {
        PolicySummary: {
          Id: 'p-examplescp1',
          Arn: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
          Name: 'region-deny',
          Description: 'Deny outside eu-west-1',
          Type: 'SERVICE_CONTROL_POLICY',
          AwsManaged: false,
        },
        Content: JSON.stringify(DENY, null, 4),
      },
    }),
  );
  await writeFile(join(dir, 'described-tag-policy.json'), JSON.stringify({ Policy: { PolicySummary: { Type: 'TAG_POLICY' }, Content: '{}' } }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readScpFiles', () => {
  it('puts single-policy files in one level, in the order given, keeping their text', async () => {
    // Prepare
    const paths = [join(FIXTURES, 'organizations-region-deny.json'), join(FIXTURES, 'control-tower-GRREGIONDENY.json')];

    // Act
    const result = await readScpFiles(paths);

    // Assess
    expect(result.ok).toBe(true);
    const levels = result.ok ? result.value : [];
    expect(levels).toHaveLength(1);
    expect(levels[0]?.map((p) => [p.id, p.name])).toEqual([
      [paths[0], 'organizations-region-deny.json'],
      [paths[1], 'control-tower-GRREGIONDENY.json'],
    ]);
    expect(levels[0]?.[0]?.content).toMatch(/"Version": "2012-10-17",\t/);
  });

  it('reads a file holding levels, root first', async () => {
    // Act
    const result = await readScpFiles([join(dir, 'levels.json')]);

    // Assess
    const levels = result.ok ? result.value : [];
    expect(levels.map((level) => level.length)).toEqual([1, 2, 0]);
    expect(levels[1]?.[1]?.name).toBe('levels.json level 1 #1');
    expect(JSON.parse(levels[0]?.[0]?.content ?? '')).toEqual(DENY);
  });

  it('accepts the output of aws organizations describe-policy, keeping the policy ARN, name, description and Content text', async () => {
    // Act
    const result = await readScpFiles([join(dir, 'described.json')]);

    // Assess
    expect(result).toEqual({
      ok: true,
      value: [
        [
          {
            id: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
            name: 'region-deny',
            description: 'Deny outside eu-west-1',
            content: JSON.stringify(DENY, null, 4),
          },
        ],
      ],
    });
  });

  it('strips a byte-order mark', async () => {
    const result = await readScpFiles([join(dir, 'bom.json')]);
    expect(result.ok && result.value[0]?.[0]?.content.startsWith('{')).toBe(true);
  });

  it.each([
    ['no file', () => [], /^no SCP files given$/],
    ['a missing file', () => [join(dir, 'missing.json')], /missing\.json: no such file$/],
    ['a directory', () => [dir], /: not a file$/],
    ['broken JSON', () => [join(dir, 'broken.json')], /broken\.json: not JSON \(/],
    ['a document without Statement', () => [join(dir, 'not-scp.json')], /not-scp\.json: not an SCP \(no "Statement", and not the output of aws organizations describe-policy\)$/],
    ['a level item that is not an SCP', () => [join(dir, 'bad-level.json')], /bad-level\.json: level 1, item 0 is not an SCP/],
    ['a Statement that is neither a list nor an object', () => [join(dir, 'statement-string.json')], /statement-string\.json: policy statement-string\.json: statement 0 must be an object$/],
    ['an unknown Effect', () => [join(dir, 'effect-block.json')], /effect-block\.json: .*Effect/],
    ['an unknown condition operator', () => [join(dir, 'operator-typo.json')], /operator-typo\.json: .*StringNotEqualz/],
    ['an invalid policy inside a levels file', () => [join(dir, 'level-invalid.json')], /level-invalid\.json: .*Effect/],
    ['describe-policy output of a policy that is not an SCP', () => [join(dir, 'described-tag-policy.json')], /TAG_POLICY, not SERVICE_CONTROL_POLICY$/],
    ['levels mixed with a single policy', () => [join(dir, 'levels.json'), join(dir, 'bom.json')], /levels\.json: a file holding levels must be the only --scp file$/],
  ])('refuses %s with a reason naming it', async (_name, paths, reason) => {
    // Act
    const result = await readScpFiles(paths());

    // Assess
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});
