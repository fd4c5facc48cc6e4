import { explainFinding } from '../classify/explain.js';
import { aside, bracketed, listSeparator, regionNote } from '../render/punctuation.js';
import { principalIdentity } from '../alert/fingerprint.js';
import type { Language } from '../types.js';
import type { Digest, DigestRankEntry } from './aggregate.js';
import { DIGEST_MESSAGES, formatChange, type DigestMessages } from './messages.js';
import { dateInTimeZone, formatInTimeZone, type DigestWindow } from './schedule.js';
import { neutralizeText, truncateText } from '../text-safety.js';
import { verificationText } from '../fix/render-text.js';
import { describeIntermittency } from '../history/intermittency.js';
import type { DeniedBy } from '../preflight/index.js';
import type { DigestReadiness, ReadinessGroup } from './readiness.js';

/** One-line, bidi-neutral text of an untrusted value. */
function value(raw: string | number | null | undefined, max = 300): string {
  if (raw === null || raw === undefined) return '-';
  return truncateText(neutralizeText(String(raw)), max);
}

/** The local date a window reports on: the day its last hour falls in. */
function reportDate(window: DigestWindow): string {
  return dateInTimeZone(new Date(Date.parse(window.to) - 1).toISOString(), window.timeZone);
}

function windowText(window: DigestWindow, m: DigestMessages): string {
  return m.windowLine({
    from: formatInTimeZone(window.from, window.timeZone),
    to: formatInTimeZone(window.to, window.timeZone),
    timeZone: window.timeZone,
  });
}

/**
 * The email subject of a digest: fixed words, the local date and counts only (no event values, so
 * nothing attacker-controlled reaches a header). An empty digest gets the "no denials" subject.
 */
export function renderDigestSubject(digest: Digest, options: { lang: Language }): string {
  const m = DIGEST_MESSAGES[options.lang];
  const date = reportDate(digest.window);
  if (digest.totals.count === 0) return m.emptySubject({ date });
  return m.subject({ date, count: digest.totals.count, newFingerprints: digest.totals.newFingerprints });
}

/**
 * An ASCII-only subject for SNS, which rejects non-ASCII subjects and limits them to 100 characters.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export function renderDigestAsciiSubject(digest: Digest): string {
  const subject = renderDigestSubject(digest, { lang: 'en' }).replace(/[^\x20-\x7E]/g, '?');
  return subject.length <= 99 ? subject : `${subject.slice(0, 96)}...`;
}

function rankLines(title: string, entries: DigestRankEntry[], m: DigestMessages): string[] {
  if (entries.length === 0) return [`${title}: ${m.none}`];
  return [`${title}:`, ...entries.map((entry) => `  ${entry.count}\t${value(entry.key)}`)];
}

/**
 * The digest as plain text (email text part and SNS message). Same content as the HTML; values
 * are neutralized and kept on one line each, snippets keep their lines and are indented.
 */
export function renderDigestText(digest: Digest, options: { lang: Language; maxGroups?: number }): string {
  const m = DIGEST_MESSAGES[options.lang];
  const lang = options.lang;
  const { totals, window } = digest;
  const lines: string[] = [m.title, windowText(window, m), ''];

  lines.push(`== ${m.summaryHeading} ==`);
  lines.push(`${m.denials}: ${totals.count}${aside(`${m.previousDay}: ${totals.previousCount}${listSeparator(lang)}${m.change}: ${formatChange(totals.change)}`, lang)}`);
  lines.push(`${m.distinctProblems}: ${totals.fingerprints}${aside(`${m.newProblems}: ${totals.newFingerprints}${listSeparator(lang)}${m.recurringProblems}: ${totals.recurringFingerprints}`, lang)}`);
  lines.push('');

  lines.push(`== ${m.byVerdictHeading} ==`);
  for (const entry of digest.byVerdict) {
    lines.push(`${m.verdictLabels[entry.verdict]} [${entry.verdict}]: ${entry.count}${aside(`${m.previousDay}: ${entry.previousCount}${listSeparator(lang)}${formatChange(entry.change)}`, lang)}`);
  }
  lines.push('');

  lines.push(`== ${m.topHeading} ==`);
  lines.push(...rankLines(m.topAccounts, digest.top.accounts, m));
  lines.push(...rankLines(m.topRoles, digest.top.roles, m));
  lines.push(...rankLines(m.topProfiles, digest.top.profiles, m));
  lines.push(...rankLines(m.topDeniedRegions, digest.top.deniedRegions.map((entry) => ({ ...entry, key: `${entry.key}${regionNote(entry.key, lang)}` })), m));
  lines.push('');

  lines.push(`== ${m.groupsHeading} ==`);
  const groups = digest.crossRegionScpGroups;
  if (groups.length === 0) lines.push(m.groupsNone);
  const maxGroups = options.maxGroups ?? 20;
  const snippets = new Map<string, number>();
  groups.slice(0, maxGroups).forEach((group, i) => {
    const { finding } = group;
    const index = i + 1;
    lines.push(`${index}. ${value(finding.profile?.id ?? finding.modelId)} -> ${value(finding.deniedRegion)}${regionNote(finding.deniedRegion, options.lang)}: ${group.count}${group.isNew ? ` [${m.newBadge}]` : ''}`);
    lines.push(`   ${m.account}: ${value(finding.accountId)}`);
    lines.push(`   ${m.role}: ${value(principalIdentity(finding.principalArn))}`);
    lines.push(`   ${m.route}: ${value(finding.sourceRegion)} -> ${value(finding.deniedRegion)}${regionNote(finding.deniedRegion, options.lang)}`);
    lines.push(`   ${m.previousDay}: ${group.previousCount}`);
    lines.push(`   ${m.firstSeen}: ${formatInTimeZone(group.firstSeen, window.timeZone)}  ${m.lastSeen}: ${formatInTimeZone(group.lastSeen, window.timeZone)}`);
    lines.push(`   ${m.reason}: ${value(explainFinding(finding, options.lang), 600)}`);
    if (finding.authorizationDetailsUrl !== null) lines.push(`   ${m.authorizationDetails}: ${neutralizeText(finding.authorizationDetailsUrl)}`);
    const fix = group.recommendedFix;
    if (fix === null) {
      lines.push(`   ${m.noFix}`);
    } else {
      lines.push(`   ${m.recommendedFix}: ${value(fix.title)}`);
      lines.push(`   ${value(fix.summary, 1000)}`);
      const outcome = verificationText(fix, options.lang);
      if (outcome !== null) lines.push(`   ${bracketed(value(outcome, 600), lang)}`);
      lines.push(`   ${m.tradeoffs}: ${value(fix.tradeoffs, 1000)}`);
      if (fix.snippet !== null) {
        const seenIn = snippets.get(fix.snippet.content);
        if (seenIn === undefined) {
          snippets.set(fix.snippet.content, index);
          const snippetLines = neutralizeText(fix.snippet.content, { multiline: true }).split('\n');
          lines.push(...snippetLines.map((line) => `     ${line}`));
        } else {
          lines.push(`   ${m.sameSnippetAs({ group: seenIn })}`);
        }
      }
    }
    lines.push('');
  });
  if (groups.length > maxGroups) lines.push(m.groupsMore({ shown: maxGroups, total: groups.length }));
  lines.push(...intermittencyLines(digest, m, options.lang), ...readinessLines(digest.readiness ?? null, m, options.lang));
  lines.push('', '--', m.footer);
  return `${lines.join('\n')}\n`;
}

/** The one-line text of a window without denials. */
export function renderEmptyDigestText(window: DigestWindow, options: { lang: Language }): string {
  const m = DIGEST_MESSAGES[options.lang];
  return `${m.emptyLine({
    from: formatInTimeZone(window.from, window.timeZone),
    to: formatInTimeZone(window.to, window.timeZone),
    timeZone: window.timeZone,
  })}\n`;
}

function intermittencyLines(digest: Digest, m: DigestMessages, lang: Language): string[] {
  const view = digest.intermittency;
  if (view == null) return [];
  const lines = ['', `== ${m.intermittencyHeading({ day: view.day })} ==`, m.intermittencyIntro];
  for (const row of view.failing) lines.push(`  ${value(row.accountId)}  ${value(describeIntermittency(row, lang), 1000)}`);
  if (view.failingTotal > view.failing.length) lines.push(m.intermittencyMore({ shown: view.failing.length, total: view.failingTotal }));
  if (view.healthy > 0) lines.push(m.intermittencyHealthy({ count: view.healthy }));
  return lines;
}

/** `p-abc123 RegionDeny "DenyOutsideApproved" (level 1)`: one denying statement, for text channels (unescaped). */
export function denierLabel(denier: DeniedBy, m: Pick<DigestMessages, 'readinessImplicitDeny' | 'readinessLevel'>): string {
  if (denier.policyId === null) return m.readinessImplicitDeny({ level: denier.level });
  const name = denier.policyName !== null && denier.policyName !== denier.policyId ? ` ${denier.policyName}` : '';
  const sid = denier.sid === null ? '' : ` "${denier.sid}"`;
  return `${denier.policyId}${name}${sid} (${m.readinessLevel} ${denier.level})`;
}

/** `111122223333 (app-prod), ou-ab12-cdef3456 (Workloads) and 3 more`: a group's targets (unescaped). */
export function targetsLabel(group: ReadinessGroup, m: Pick<DigestMessages, 'readinessMoreTargets'>): string {
  const named = group.targets.map((target) => (target.name === null ? target.id : `${target.id} (${target.name})`)).join(', ');
  const more = group.targetsTotal - group.targets.length;
  return more > 0 ? `${named} ${m.readinessMoreTargets({ count: more })}` : named;
}

function readinessLines(readiness: DigestReadiness | null, m: DigestMessages, lang: Language): string[] {
  if (readiness === null) return [];
  if (readiness.status === 'not-computed') return ['', m.readinessNotComputed({ reason: readiness.reason, detail: readiness.detail === null ? null : value(readiness.detail) })];
  // No section, not an empty one, when nothing in use is blocked.
  if (readiness.groups.length === 0) return [];
  const lines = ['', `== ${m.readinessHeading} ==`, m.readinessIntro({ takenAt: value(readiness.takenAt), pairs: readiness.routes.length, targets: readiness.targets })];
  const snippets = new Map<string, string>();
  readiness.groups.forEach((group, i) => {
    const label = `R${i + 1}`;
    const denied = group.sourceCallDenied ? [m.readinessSourceCall, ...group.deniedDestinations] : group.deniedDestinations;
    lines.push('', `${label}. ${value(group.profile)} (${value(group.sourceRegion)})`);
    lines.push(`   ${m.readinessBlockedIn}: ${value(targetsLabel(group, m), 1500)}`);
    lines.push(`   ${m.readinessDeniedIn}: ${value(denied.join(', '))}`);
    lines.push(`   ${m.readinessDeniedBy}: ${value(group.deniedBy.map((d) => denierLabel(d, m)).join('; '), 1000)}`);
    const option = group.fix?.recommended ?? null;
    if (option === null) {
      lines.push(`   ${m.readinessNoFix}`);
      return;
    }
    lines.push(`   ${m.recommendedFix}: ${value(option.title)}`);
    const outcome = verificationText(option, lang);
    if (outcome !== null) lines.push(`   (${value(outcome, 600)})`);
    if (option.snippet !== null) {
      const seenIn = snippets.get(option.snippet.content);
      if (seenIn === undefined) {
        snippets.set(option.snippet.content, label);
        lines.push(...neutralizeText(option.snippet.content, { multiline: true }).split('\n').map((line) => `     ${line}`));
      } else {
        lines.push(`   ${m.readinessSameSnippet({ label: seenIn })}`);
      }
    }
  });
  if (readiness.groupsTotal > readiness.groups.length) lines.push('', m.readinessMore({ shown: readiness.groups.length, total: readiness.groupsTotal }));
  return lines;
}
