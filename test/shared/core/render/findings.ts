import type { Finding, Fix } from '../../../../shared/core/types.js';

/** A cross-Region SCP denial with a fix, as the classifier and fix engine produce it. Fresh per call. */
export function crossRegionFinding(): Finding {
  return {
    eventId: '9d1b7a52-0000-4000-9000-000000000001',
    eventTime: '2026-11-27T01:01:07Z',
    eventName: 'Converse',
    accountId: '111122223333',
    principalArn: 'arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc12345def67890',
    sourceRegion: 'ap-northeast-1',
    action: 'bedrock:InvokeModel',
    modelId: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
    profile: { id: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', scope: 'apac' },
    foundationModel: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
    deniedResource: 'arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0',
    deniedRegion: 'ap-southeast-1',
    policyType: 'service control policy',
    policyArn: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1', authorizationId: null, authorizationDetailsUrl: null,
    destinations: ['ap-northeast-1', 'ap-southeast-1'],
    destinationsSource: 'catalog',
    verdict: 'cross-region-scp',
    reason: 'An explicit deny in a service control policy blocked bedrock:InvokeModel in ap-southeast-1.',
    userAgent: 'Boto3/1.35.0',
    sourceIpAddress: '203.0.113.25',
    errorCode: 'AccessDenied',
    errorMessage: 'User: arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc is not authorized',
    fix: sampleFix(),
  };
}

/** A fix with three options and a patched SCP. */
export function sampleFix(): Fix {
  return {
    lang: 'en',
    recommended: {
      id: 'allow-profile-only',
      rank: 1,
      title: 'Allow the APAC profile only',
      summary: 'Deny outside approved Regions unless the call goes through an apac. profile.',
      tradeoffs: 'Most secure; needs upkeep.',
      snippet: { language: 'json', content: '{\n  "Condition": { "ArnNotLike": { "bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/apac.*" } }\n}' },
    },
    options: [
      { id: 'allow-profile-only', rank: 1, title: 'a', summary: 's', tradeoffs: 't', snippet: null },
      { id: 'exempt-bedrock', rank: 2, title: 'b', summary: 's', tradeoffs: 't', snippet: null },
      { id: 'widen-regions', rank: 3, title: 'c', summary: 's', tradeoffs: 't', snippet: null },
    ],
    scp: {
      policyArn: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
      policyName: 'RegionDeny',
      statement: { sid: 'DenyAllOutsideApprovedRegions', index: 0 },
      controlTowerManaged: false,
      patchedPolicy: '{}',
      diff: '',
      size: 2,
      fitsLimit: true,
    },
    verification: { status: 'verified', checks: [] },
  };
}

/** The same denial with attacker-chosen text in every free-text field. */
export function hostileFinding(): Finding {
  return {
    ...crossRegionFinding(),
    principalArn: 'arn:aws:sts::111122223333:assumed-role/app-role/<!channel> *bold* <https://evil|click>',
    userAgent: 'curl/8 ```\n*x*``` `tick` <@U0123ABCD>',
    errorMessage: 'User: x is not authorized <script>alert(1)</script> ``` <!here>',
    modelId: '*apac*._x_~y~<!everyone>',
    profile: { id: '*apac*._x_~y~<!everyone>', scope: 'apac' },
    sourceIpAddress: '<!subteam^S123>',
    reason: 'Denied <!channel> see https://evil.example *now* @here',
    fix: null,
  };
}
