import { VERDICT_ORDER } from '../constants.js';
import type { Finding, Fix, FixOption, ProfileRef, Verdict } from '../types.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : null;
}

function profileRef(value: unknown): ProfileRef | null {
  if (!isObject(value) || typeof value.id !== 'string') return null;
  return { id: value.id, scope: str(value.scope) ?? '' };
}

function fixOption(value: unknown): FixOption | null {
  if (!isObject(value) || typeof value.id !== 'string' || typeof value.title !== 'string') return null;
  let snippet: FixOption['snippet'] = null;
  if (isObject(value.snippet) && typeof value.snippet.content === 'string') {
    const language = value.snippet.language === 'yaml' || value.snippet.language === 'text' ? value.snippet.language : 'json';
    snippet = { language, content: value.snippet.content };
  }
  return {
    id: value.id as FixOption['id'],
    rank: typeof value.rank === 'number' ? value.rank : 0,
    title: value.title,
    summary: str(value.summary) ?? '',
    tradeoffs: str(value.tradeoffs) ?? '',
    snippet,
    ...(value.outcome === 'verified' || value.outcome === 'verified-assuming' || value.outcome === 'not-verified' ? { outcome: value.outcome } : {}),
    ...(strings(value.assumptions) !== null ? { assumptions: strings(value.assumptions) ?? [] } : {}),
    ...(value.verification === 'verified' || value.verification === 'failed' || value.verification === 'unverified' ? { verification: value.verification } : {}),
  };
}

function fix(value: unknown): Fix | null {
  if (!isObject(value)) return null;
  const recommended = fixOption(value.recommended);
  const options = Array.isArray(value.options) ? value.options.map(fixOption).filter((option) => option !== null) : [];
  return {
    lang: value.lang === 'ja' ? 'ja' : 'en',
    recommended,
    options,
    scp: null,
    verification: { status: 'unverified', checks: [] },
  };
}

/**
 * Reads a finding back from its stored JSON (the `finding` attribute of an hourly aggregate) into
 * the shape the digest renders, with every field type-checked: a field of the wrong type becomes
 * `null`, so a corrupt or hostile item cannot break rendering. Returns `null` when the value is not
 * a finding at all (not an object, or no known verdict). Only the recommended fix and its options'
 * texts are kept; the SCP patch details are not part of the digest.
 */
export function parseStoredFinding(json: string): Finding | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isObject(value) || !VERDICT_ORDER.includes(value.verdict as Verdict)) return null;
  const source = value.destinationsSource;
  return {
    eventId: str(value.eventId),
    eventTime: str(value.eventTime),
    eventName: str(value.eventName),
    accountId: str(value.accountId),
    principalArn: str(value.principalArn),
    sourceRegion: str(value.sourceRegion),
    action: str(value.action),
    modelId: str(value.modelId),
    profile: profileRef(value.profile),
    foundationModel: str(value.foundationModel),
    deniedResource: str(value.deniedResource),
    deniedRegion: str(value.deniedRegion),
    policyType: str(value.policyType),
    policyArn: str(value.policyArn),
    authorizationId: str(value.authorizationId),
    authorizationDetailsUrl: str(value.authorizationDetailsUrl),
    destinations: strings(value.destinations),
    destinationsSource: source === 'catalog' || source === 'geography' || source === 'runtime' ? source : null,
    verdict: value.verdict as Verdict,
    reason: str(value.reason) ?? '',
    userAgent: str(value.userAgent),
    sourceIpAddress: str(value.sourceIpAddress),
    errorCode: str(value.errorCode),
    errorMessage: str(value.errorMessage),
    fix: fix(value.fix),
  };
}
