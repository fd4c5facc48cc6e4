import { describe, expect, it } from 'vitest';
import { explainAnswer, parseChatAction } from '../../../../shared/core/chat/actions.js';
import { crossRegionFinding } from '../render/findings.js';

describe('parseChatAction', () => {
  it.each([
    ['the replay of one account', { r: '111122223333' }, { kind: 'replay-account', accountId: '111122223333' }],
    ['an explanation by fingerprint', { e: '0123456789abcdef0123456789abcdef' }, { kind: 'explain', fingerprint: '0123456789abcdef0123456789abcdef' }],
    ['a payload sent as a JSON string', '{"r":"111122223333"}', { kind: 'replay-account', accountId: '111122223333' }],
  ])('reads %s', (_name, payload, expected) => {
    expect(parseChatAction(payload)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['a substituted value that tries to add fields', { r: '111122223333", "notify": true' }, '"r" must be a 12-digit account ID'],
    ['two actions at once', { r: '111122223333', e: '0123456789abcdef0123456789abcdef' }, 'payload must have exactly one of "r" (account) or "e" (fingerprint), got 2 fields'],
    ['an unknown field', { store: true }, 'unknown field "store"; use "r" (account) or "e" (fingerprint)'],
    ['a fingerprint of the wrong shape', { e: '$fingerprint' }, '"e" must be an alert fingerprint (32 hexadecimal characters)'],
    ['no object at all', 'not json', 'payload must be a JSON object such as {"r":"111122223333"} or {"e":"<fingerprint>"}'],
  ])('refuses %s, saying why', (_name, payload, reason) => {
    expect(parseChatAction(payload)).toEqual({ ok: false, reason });
  });
});

describe('explainAnswer', () => {
  it('states the finding, its reason and the fix with its verification outcome, and why the SCPs were not read', () => {
    const answer = explainAnswer(crossRegionFinding(), 'en', { ok: false, reason: 'ORG_READ_ROLE_ARN is not set' });
    expect(answer.lines).toEqual([
      'cross-region-scp: apac.anthropic.claude-3-5-sonnet-20241022-v2:0 ap-northeast-1 → ap-southeast-1 (111122223333)',
      'An explicit deny in a service control policy blocked bedrock:InvokeModel in ap-southeast-1.',
      'Allow the APAC profile only — verified against the SCPs in force',
      'Deny outside approved Regions unless the call goes through an apac. profile.',
      'SCPs not read: ORG_READ_ROLE_ARN is not set',
    ]);
  });
});
