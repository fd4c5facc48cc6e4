import { createHash } from 'node:crypto';
import type { Finding } from '../types.js';

/**
 * The principal a person would name: for an assumed-role session, the role (session names change
 * per call and are attacker-chosen); otherwise the ARN as recorded.
 */
export function principalIdentity(principalArn: string | null): string | null {
  if (principalArn === null) return null;
  const match = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.*$/.exec(principalArn);
  if (match === null) return principalArn;
  return `arn:${match[1]}:iam::${match[2]}:role/${match[3]}`;
}

/**
 * The parts that make two denials "the same problem": account, role, profile (or model), denied
 * Region and verdict. Alerts are suppressed and digests grouped per fingerprint.
 */
export function fingerprintParts(finding: Finding): string[] {
  return [
    finding.accountId ?? '-',
    principalIdentity(finding.principalArn) ?? '-',
    finding.profile?.id ?? finding.modelId ?? '-',
    finding.deniedRegion ?? '-',
    finding.verdict,
  ];
}

/** A short, stable hash of {@link fingerprintParts}; safe to use in keys and logs. */
export function fingerprintFinding(finding: Finding): string {
  return createHash('sha256').update(fingerprintParts(finding).join('\u0000')).digest('hex').slice(0, 32);
}
