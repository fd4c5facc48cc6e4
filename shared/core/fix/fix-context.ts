/**
 * What the fix engine needs to know about one denial, derived once from the finding: the profile
 * and how to match it in a condition, the Regions an SCP must open, the actions to let through, and
 * the requests the verification evaluates.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion
 */
import { parseArn } from '../classify/arn.js';
import { INFERENCE_IAM_ACTIONS, PROFILE_SCOPES, UNSPECIFIED_REGION } from '../constants.js';
import type { ProfileCatalog } from '../classify/profile-catalog.js';
import type { RequestContext } from '../scp/types.js';
import type { Finding } from '../types.js';

/** How the Regions to open were found. */
export type RegionsBasis = 'exact' | 'geography' | 'inferred' | 'denied-region-only' | 'global';

/** Everything the options and the SCP patch are built from. */
export interface FixContext {
  partition: string;
  accountId: string | null;
  sourceRegion: string | null;
  /** Profile ID, or the application inference profile ARN. */
  profileId: string | null;
  scope: string | null;
  isGlobal: boolean;
  isApplication: boolean;
  foundationModel: string | null;
  /** `bedrock:InferenceProfileArn` of the caller's requests (the profile ARN in the source Region). */
  profileArn: string | null;
  /** Value for `ArnNotLike bedrock:InferenceProfileArn`: this profile in any Region and account. */
  profilePattern: string | null;
  /** Values of `aws:RequestedRegion` the profile's routing produces (`unspecified` for global). */
  scpRegions: string[];
  regionsBasis: RegionsBasis;
  /** System profile the destinations of an application profile were inferred from. */
  inferredFrom: string | null;
  /** IAM actions to let through (batch adds `CreateModelInvocationJob`). */
  actions: string[];
  deniedRegion: string | null;
}

function principalForCondition(principalArn: string | null): string | null {
  if (principalArn === null) return null;
  // aws:PrincipalArn of a role session is the role ARN, not the sts session ARN.
  const match = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principalArn);
  return match === null ? principalArn : `arn:${match[1]}:iam::${match[2]}:role/${match[3]}`;
}

function partitionOf(finding: Finding): string {
  for (const arn of [finding.deniedResource, finding.principalArn, finding.profile?.id]) {
    const parsed = typeof arn === 'string' ? parseArn(arn) : null;
    if (parsed !== null) return parsed.partition;
  }
  return finding.profile?.scope === 'us-gov' ? 'aws-us-gov' : 'aws';
}

function actionsFor(finding: Finding): string[] {
  const batch = finding.action === 'bedrock:CreateModelInvocationJob' || finding.eventName === 'CreateModelInvocationJob';
  const actions: string[] = INFERENCE_IAM_ACTIONS.filter((a) => batch || a !== 'bedrock:CreateModelInvocationJob');
  const extra = finding.action;
  if (extra !== null && /^bedrock:[A-Za-z]+$/.test(extra) && !actions.includes(extra)) actions.push(extra);
  return actions;
}

function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function regionsFor(
  finding: Finding,
  catalog: ProfileCatalog,
): { regions: string[]; basis: RegionsBasis; inferredFrom: string | null } {
  const denied = finding.deniedRegion;
  const withDenied = (regions: string[]): string[] =>
    uniqueSorted(denied !== null && denied !== UNSPECIFIED_REGION ? [...regions, denied] : regions);
  if (finding.profile?.scope === 'global' || denied === UNSPECIFIED_REGION) {
    // Global routing is seen as `unspecified`, but requests served in the source Region carry it.
    const source = finding.sourceRegion;
    return { regions: source === null ? [UNSPECIFIED_REGION] : [source, UNSPECIFIED_REGION], basis: 'global', inferredFrom: null };
  }
  if (finding.destinations !== null && finding.destinations.length > 0) {
    const basis = finding.destinationsSource === 'geography' ? 'geography' : 'exact';
    return { regions: withDenied(finding.destinations), basis, inferredFrom: null };
  }
  const source = finding.sourceRegion;
  const profile = finding.profile;
  if (profile !== null && profile.scope !== 'application' && source !== null) {
    const known = catalog.destinations(profile.id, source);
    if (known !== null) {
      return { regions: withDenied(known.regions), basis: known.source === 'catalog' ? 'exact' : 'geography', inferredFrom: null };
    }
    const geography = catalog.geographyRegions(profile.scope);
    if (geography.length > 0) return { regions: withDenied(geography), basis: 'geography', inferredFrom: null };
  }
  if (profile?.scope === 'application' && finding.foundationModel !== null && source !== null) {
    // An application profile copies a system profile; the one for this model whose routes from this
    // source reach the denied Region is the best guess until GetInferenceProfile says otherwise.
    for (const scope of PROFILE_SCOPES) {
      const systemId = `${scope}.${finding.foundationModel}`;
      const known = catalog.destinations(systemId, source);
      if (known?.source === 'catalog' && (denied === null || known.regions.includes(denied))) {
        return { regions: withDenied(known.regions), basis: 'inferred', inferredFrom: systemId };
      }
    }
  }
  return { regions: withDenied([]), basis: 'denied-region-only', inferredFrom: null };
}

/** Builds the fix context of a finding. Contract: total; unknown parts are null or empty. */
export function buildFixContext(finding: Finding, catalog: ProfileCatalog): FixContext {
  const partition = partitionOf(finding);
  const profile = finding.profile;
  const isApplication = profile?.scope === 'application';
  const accountId = finding.accountId;
  const sourceRegion = finding.sourceRegion;
  let profileArn: string | null = null;
  let profilePattern: string | null = null;
  if (profile !== null && isApplication) {
    profileArn = profile.id;
    profilePattern = profile.id;
  } else if (profile !== null) {
    profileArn = `arn:${partition}:bedrock:${sourceRegion ?? '*'}:${accountId ?? '*'}:inference-profile/${profile.id}`;
    profilePattern = `arn:${partition}:bedrock:*:*:inference-profile/${profile.id}`;
  }
  const { regions, basis, inferredFrom } = regionsFor(finding, catalog);
  return {
    partition,
    accountId,
    sourceRegion,
    profileId: profile?.id ?? null,
    scope: profile?.scope ?? null,
    isGlobal: basis === 'global',
    isApplication,
    foundationModel: finding.foundationModel,
    profileArn,
    profilePattern,
    scpRegions: regions,
    regionsBasis: basis,
    inferredFrom,
    actions: actionsFor(finding),
    deniedRegion: finding.deniedRegion,
  };
}

/** A foundation-model ARN in a Region (`unspecified` gives the Region-less ARN of global routing). */
export function foundationModelArn(context: FixContext, region: string, model?: string): string {
  const id = model ?? context.foundationModel ?? '*';
  const segment = region === UNSPECIFIED_REGION ? '' : region;
  return `arn:${context.partition}:bedrock:${segment}::foundation-model/${id}`;
}

/** A request the verification evaluates, with a stable name. */
export interface NamedRequest {
  name: string;
  request: RequestContext;
}

/**
 * What a probe stands for: `direct` (the model called without a profile), `service` (another
 * regional service), `other-profile` (another geography's or model's profile), `exemption` (a
 * principal the SCPs exempt). A patch must leave each probe's decision as the SCPs in force make it,
 * for the probe families its guarantee covers.
 */
export type ProbeFamily = 'direct' | 'service' | 'other-profile' | 'exemption';

/** A request whose decision a patch must not change. */
export interface Probe extends NamedRequest {
  family: ProbeFamily;
}

/** The requests whose outcome proves a patch right. */
export interface VerificationRequests {
  /** The request that was denied (through the profile, to the denied Region). */
  denied: NamedRequest;
  /** Every other leg the profile's routing produces: the source-Region profile call, each destination. */
  routes: NamedRequest[];
  /** The same model called directly (no profile) in the denied Region: must stay denied. */
  direct: NamedRequest;
  /** A non-Bedrock action in the denied Region: must stay denied. */
  nonBedrock: NamedRequest;
  /** Requests whose decision must not change (every leg Region, other profiles, exempted principals). */
  probes: Probe[];
}

/** The caller as IAM sees it: `aws:PrincipalArn` (the role, path included), account and type. */
export interface CallerContext {
  principalArn: string | null;
  principalAccount: string | null;
  principalType: string | null;
}

/** The caller's context keys from the finding (the role ARN from the session issuer when recorded). */
export function callerContext(finding: Finding): CallerContext {
  const roleArn = typeof finding.principalRoleArn === 'string' ? finding.principalRoleArn : null;
  const principalArn = roleArn ?? principalForCondition(finding.principalArn);
  const fromArn = /^arn:[a-z-]+:(?:iam|sts)::(\d{12}):/.exec(finding.principalArn ?? '')?.[1] ?? null;
  const type =
    typeof finding.principalType === 'string'
      ? finding.principalType
      : /:assumed-role\//.test(finding.principalArn ?? '')
        ? 'AssumedRole'
        : null;
  return { principalArn, principalAccount: finding.accountId ?? fromArn, principalType: type };
}

/**
 * A concrete principal ARN matching an exemption pattern of a policy (`*` and `?` filled in,
 * `${aws:PrincipalAccount}` resolved), or null when the pattern is not an IAM principal ARN.
 */
export function principalFromPattern(pattern: string, account: string): string | null {
  const resolved = pattern.replace(/\$\{aws:PrincipalAccount\}/gi, account);
  if (resolved.includes('${')) return null;
  const match = /^arn:([^:]*):(iam|sts)::([^:]*):(.+)$/.exec(resolved);
  if (match === null) return null;
  const partition = match[1] === '*' || match[1] === '' ? 'aws' : (match[1] ?? 'aws').replace(/\*/g, '');
  const accountPart = match[3] === '*' || match[3] === '' ? account : (match[3] ?? '').replace(/[*?]/g, '0');
  const rest = (match[4] ?? '').replace(/\*/g, 'x').replace(/\?/g, 'x');
  return `arn:${partition}:${match[2]}::${accountPart}:${rest}`;
}

/** Options of {@link buildVerificationRequests}. */
export interface VerificationRequestOptions {
  /** Principal ARN patterns the SCPs exempt (each becomes an exemption probe). */
  exemptedPrincipals?: readonly string[];
}

const OTHER_MODEL = 'example.other-model-v1:0';

/** Builds the verification requests; null when the finding lacks the Region or action to build them. */
export function buildVerificationRequests(
  finding: Finding,
  context: FixContext,
  options: VerificationRequestOptions = {},
): VerificationRequests | null {
  const region = finding.deniedRegion ?? context.scpRegions[0] ?? null;
  if (region === null) return null;
  const action = finding.action ?? 'bedrock:InvokeModel';
  const caller = callerContext(finding);
  const account = context.accountId ?? caller.principalAccount ?? '111122223333';
  const base = (requestRegion: string, profileArn: string | null, principal: string | null = caller.principalArn): Record<string, string> => {
    const context_: Record<string, string> = { 'aws:RequestedRegion': requestRegion };
    if (profileArn !== null) context_['bedrock:InferenceProfileArn'] = profileArn;
    if (principal !== null) context_['aws:PrincipalArn'] = principal;
    if (caller.principalAccount !== null) context_['aws:PrincipalAccount'] = caller.principalAccount;
    if (caller.principalType !== null) context_['aws:PrincipalType'] = caller.principalType;
    return context_;
  };
  const deniedResource = finding.deniedResource ?? foundationModelArn(context, region);
  const routes: NamedRequest[] = [];
  if (context.sourceRegion !== null && context.profileArn !== null) {
    routes.push({
      name: 'patched-allows-profile-in-source-region',
      request: { action, resource: context.profileArn, context: base(context.sourceRegion, context.profileArn) },
    });
  }
  for (const destination of context.scpRegions) {
    if (destination === region) continue;
    routes.push({
      name: `patched-allows-destination:${destination}`,
      request: { action, resource: foundationModelArn(context, destination), context: base(destination, context.profileArn) },
    });
  }
  const legs = [...new Set([region, ...context.scpRegions])];
  const regional = legs.filter((r) => r !== UNSPECIFIED_REGION);
  const probes: Probe[] = [];
  for (const leg of regional) {
    probes.push({ family: 'direct', name: `direct:${leg}`, request: { action, resource: foundationModelArn(context, leg), context: base(leg, null) } });
    probes.push({
      family: 'service',
      name: `service:${leg}`,
      request: { action: 'ec2:RunInstances', resource: `arn:${context.partition}:ec2:${leg}:${account}:instance/*`, context: base(leg, null) },
    });
  }
  if (context.sourceRegion !== null && context.foundationModel !== null) {
    const others = PROFILE_SCOPES.filter((scope) => scope !== context.scope).map((scope) => `${scope}.${context.foundationModel}`);
    if (context.scope !== null && context.scope !== 'application') others.push(`${context.scope}.${OTHER_MODEL}`);
    for (const other of others) {
      const otherArn = `arn:${context.partition}:bedrock:${context.sourceRegion}:${account}:inference-profile/${other}`;
      const model = other.slice(other.indexOf('.') + 1);
      const otherLegs = other.startsWith('global.') ? [UNSPECIFIED_REGION] : regional;
      for (const leg of otherLegs) {
        probes.push({
          family: 'other-profile',
          name: `other-profile:${other}@${leg}`,
          request: { action, resource: foundationModelArn(context, leg, model), context: base(leg, otherArn) },
        });
      }
    }
  }
  for (const pattern of options.exemptedPrincipals ?? []) {
    const principal = principalFromPattern(pattern, account);
    if (principal === null) continue;
    const leg = regional.find((r) => r !== context.sourceRegion) ?? regional[0] ?? region;
    probes.push({
      family: 'exemption',
      name: `exemption:${principal}@${leg}`,
      request: { action: 'ec2:RunInstances', resource: `arn:${context.partition}:ec2:${leg}:${account}:instance/*`, context: base(leg, null, principal) },
    });
    probes.push({ family: 'exemption', name: `exemption:${principal}:direct@${region}`, request: { action, resource: deniedResource, context: base(region, null, principal) } });
  }
  return {
    denied: { name: 'patched-allows-denied-request', request: { action, resource: deniedResource, context: base(region, context.profileArn) } },
    routes,
    direct: { name: 'patched-denies-direct-invocation', request: { action, resource: deniedResource, context: base(region, null) } },
    nonBedrock: {
      name: 'patched-denies-non-bedrock-action',
      request: {
        action: 'ec2:RunInstances',
        resource: `arn:${context.partition}:ec2:${region}:${account}:instance/*`,
        context: base(region, null),
      },
    },
    probes,
  };
}
