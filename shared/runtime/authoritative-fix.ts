/**
 * The fix engine as the deployed functions run it: SCPs as IAM recorded them for the denied
 * request (IAM Access Troubleshooter, when the message carries an authorization ID), else the SCPs
 * read from AWS Organizations (`ORG_READ_ROLE_ARN`), else none (the fix is then unverified). The
 * outcome of the authoritative path is put on the finding (`authoritative`), logged with its
 * reason, and stated in the fix's notes.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied-authorization-id.html
 */
import { createIamToolboxSource } from '../adapters/iam-toolbox.js';
import type { AuthorizationDetailsSource } from '../core/authoritative/details.js';
import { withAuthoritativeNote, type AuthoritativeFallback } from '../core/authoritative/messages.js';
import { resolveAuthoritativeScps, type AuthoritativeInput } from '../core/authoritative/resolve.js';
import type { ProfileCatalog } from '../core/classify/profile-catalog.js';
import { VERDICTS } from '../core/constants.js';
import { suggestFix } from '../core/fix/suggest-fix.js';
import type { Finding, Fix, Language, Result, ScpDocument } from '../core/types.js';
import { logger } from './middleware.js';

/** Verdicts whose fix the SCPs in force change: only these are worth a lookup. */
export const SCP_VERDICTS: ReadonlySet<string> = new Set([VERDICTS.crossRegionScp, VERDICTS.scp]);

/** Where a fix's SCPs may come from, in order of preference. */
export interface FixSources {
  catalog: ProfileCatalog;
  /** IAM Toolbox; null when the authoritative path is switched off (`AUTHORITATIVE_FIXES=off`). */
  toolbox: AuthorizationDetailsSource | null;
  /** SCPs in force from AWS Organizations; absent without `ORG_READ_ROLE_ARN`. */
  scpsForAccount?: ((accountId: string) => Promise<Result<ScpDocument[][]>>) | undefined;
}

/** The IAM Toolbox source when the authoritative path is on (credentials and endpoint the SDK way). */
export function createToolboxFor(enabled: boolean): AuthorizationDetailsSource | null {
  return enabled ? createIamToolboxSource() : null;
}

/**
 * Computes the fix of one finding from the best SCPs available; sets `finding.authoritative`
 * whenever the authoritative path ran. Never throws for a failed lookup: it degrades.
 */
export async function fixFromSources(finding: Finding, lang: Language, sources: FixSources): Promise<Fix> {
  let scps: ScpDocument[][] | undefined;
  let fallback: AuthoritativeFallback = 'none';
  const scpDenial = SCP_VERDICTS.has(finding.verdict);
  if (scpDenial && sources.toolbox !== null) {
    const result = await resolveAuthoritativeScps(finding as Finding & AuthoritativeInput, sources.toolbox);
    finding.authoritative = result.lookup;
    if (result.scps !== null && result.lookup.status === 'used') {
      scps = result.scps;
      logger.info('SCPs at request time read from IAM Access Troubleshooter', {
        authorizationId: result.lookup.authorizationId,
        region: result.lookup.region,
        policies: result.lookup.policies.map((p) => p.uri),
      });
    } else if (result.lookup.status === 'not-used') {
      const facts = { reason: result.lookup.reason, detail: result.lookup.detail, authorizationId: result.lookup.authorizationId };
      if (result.lookup.reason === 'no-authorization-id') logger.info('IAM Access Troubleshooter not used', facts);
      else logger.warn('IAM Access Troubleshooter not used; falling back', facts);
    }
  }
  if (scps === undefined && scpDenial && sources.scpsForAccount !== undefined && finding.accountId !== null) {
    const read = await sources.scpsForAccount(finding.accountId);
    if (read.ok) {
      scps = read.value;
      fallback = 'organizations';
    } else {
      logger.warn('SCPs not read; the fix is not verified', { reason: read.reason });
    }
  }
  const fix = suggestFix(finding, scps === undefined ? { catalog: sources.catalog, lang } : { catalog: sources.catalog, lang, scps });
  return finding.authoritative === undefined ? fix : withAuthoritativeNote(fix, finding.authoritative, fallback);
}
