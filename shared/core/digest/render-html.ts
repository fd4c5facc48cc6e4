import { explainFinding } from '../classify/explain.js';
import { bracketed, regionNote } from '../render/punctuation.js';
import { verificationText } from '../fix/render-text.js';
import { principalIdentity } from '../alert/fingerprint.js';
import type { Language } from '../types.js';
import type { Digest, DigestGroup, DigestRankEntry } from './aggregate.js';
import { DIGEST_MESSAGES, formatChange, type DigestMessages } from './messages.js';
import { formatInTimeZone, type DigestWindow } from './schedule.js';
import { neutralizeText, truncateText } from '../text-safety.js';
import { describeIntermittency } from '../history/intermittency.js';
import { denierLabel, targetsLabel } from './render-text.js';

/**
 * Escapes text for HTML element content and quoted attribute values: `& < > " ' \``. Every value
 * that reaches the digest HTML goes through it, fixed labels included, so no value can open a tag,
 * close an attribute or start an entity.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (char) => HTML_ENTITIES[char] ?? char);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escaped, bidi-neutralized, one-line text of an untrusted value, shortened to `max` characters. */
function text(value: string | number | null | undefined, max = 300): string {
  if (value === null || value === undefined) return '–';
  return escapeHtml(truncateText(neutralizeText(String(value)), max));
}

/** Options of {@link renderDigestHtml}. */
export interface RenderHtmlOptions {
  lang: Language;
  /** Cross-Region SCP groups shown in full (default 20); the rest are counted. */
  maxGroups?: number;
}

const FONT = "Arial,'Helvetica Neue',Helvetica,'Hiragino Sans','Meiryo',sans-serif";
const MONO = "Consolas,Menlo,'Courier New',monospace";
const STYLE = {
  heading: 'margin:0 0 8px 0;font-size:16px;line-height:22px;color:#1f2328;',
  th: 'text-align:left;padding:6px 8px;border-bottom:1px solid #d0d7de;background:#f6f8fa;font-weight:bold;font-size:13px;',
  td: 'text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;font-size:13px;vertical-align:top;word-break:break-all;',
  num: 'text-align:right;padding:6px 8px;border-bottom:1px solid #eaeef2;font-size:13px;vertical-align:top;white-space:nowrap;',
  label: 'text-align:left;padding:4px 8px;font-size:13px;color:#57606a;vertical-align:top;white-space:nowrap;width:160px;',
  value: 'text-align:left;padding:4px 8px;font-size:13px;vertical-align:top;word-break:break-all;',
  pre: `margin:4px 0 0 0;padding:8px;background:#f6f8fa;border:1px solid #d0d7de;font-family:${MONO};font-size:12px;line-height:16px;white-space:pre-wrap;word-break:break-all;`,
  badge: 'display:inline-block;padding:0 6px;background:#cf222e;color:#ffffff;font-size:11px;font-weight:bold;',
  muted: 'color:#57606a;font-size:12px;',
} as const;

function table(rows: string): string {
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;">${rows}</table>`;
}

function section(content: string): string {
  return `<tr><td style="padding:12px 24px;">${content}</td></tr>`;
}

function heading(title: string): string {
  return `<h2 style="${STYLE.heading}">${escapeHtml(title)}</h2>`;
}

function renderSummary(digest: Digest, m: DigestMessages): string {
  const { totals } = digest;
  const row = (label: string, value: string): string =>
    `<tr><td style="${STYLE.td}">${escapeHtml(label)}</td><td style="${STYLE.num}">${escapeHtml(value)}</td></tr>`;
  return (
    heading(m.summaryHeading) +
    table(
      row(m.denials, String(totals.count)) +
        row(m.previousDay, String(totals.previousCount)) +
        row(m.change, formatChange(totals.change)) +
        row(m.distinctProblems, String(totals.fingerprints)) +
        row(m.newProblems, String(totals.newFingerprints)) +
        row(m.recurringProblems, String(totals.recurringFingerprints)),
    )
  );
}

function renderByVerdict(digest: Digest, m: DigestMessages): string {
  const header = `<tr><th style="${STYLE.th}">${escapeHtml(m.verdict)}</th><th style="${STYLE.th}text-align:right;">${escapeHtml(m.count)}</th><th style="${STYLE.th}text-align:right;">${escapeHtml(m.previousDay)}</th><th style="${STYLE.th}text-align:right;">${escapeHtml(m.change)}</th></tr>`;
  const rows = digest.byVerdict
    .map(
      (entry) =>
        `<tr><td style="${STYLE.td}">${escapeHtml(m.verdictLabels[entry.verdict])}<br><span style="${STYLE.muted}">${escapeHtml(entry.verdict)}</span></td>` +
        `<td style="${STYLE.num}">${escapeHtml(String(entry.count))}</td>` +
        `<td style="${STYLE.num}">${escapeHtml(String(entry.previousCount))}</td>` +
        `<td style="${STYLE.num}">${escapeHtml(formatChange(entry.change))}</td></tr>`,
    )
    .join('');
  return heading(m.byVerdictHeading) + table(header + rows);
}

function renderRank(title: string, entries: DigestRankEntry[], m: DigestMessages): string {
  const header = `<tr><th style="${STYLE.th}">${escapeHtml(title)}</th><th style="${STYLE.th}text-align:right;">${escapeHtml(m.count)}</th></tr>`;
  const rows =
    entries.length === 0
      ? `<tr><td style="${STYLE.td}" colspan="2">${escapeHtml(m.none)}</td></tr>`
      : entries.map((entry) => `<tr><td style="${STYLE.td}">${text(entry.key)}</td><td style="${STYLE.num}">${escapeHtml(String(entry.count))}</td></tr>`).join('');
  return `<div style="margin:0 0 12px 0;">${table(header + rows)}</div>`;
}

function renderTop(digest: Digest, m: DigestMessages): string {
  return (
    heading(m.topHeading) +
    renderRank(m.topAccounts, digest.top.accounts, m) +
    renderRank(m.topRoles, digest.top.roles, m) +
    renderRank(m.topProfiles, digest.top.profiles, m) +
    renderRank(m.topDeniedRegions, digest.top.deniedRegions, m)
  );
}

function renderGroup(group: DigestGroup, index: number, snippets: Map<string, number>, m: DigestMessages, timeZone: string, lang: Language): string {
  const { finding } = group;
  const kv = (label: string, value: string): string =>
    `<tr><td style="${STYLE.label}">${escapeHtml(label)}</td><td style="${STYLE.value}">${value}</td></tr>`;
  const badge = group.isNew ? ` <span style="${STYLE.badge}">${escapeHtml(m.newBadge)}</span>` : '';
  const title = `<p style="margin:0 0 4px 0;font-weight:bold;font-size:14px;">${escapeHtml(`${index}.`)} ${text(finding.profile?.id ?? finding.modelId)} → ${text(finding.deniedRegion)}${escapeHtml(regionNote(finding.deniedRegion, lang))} · ${escapeHtml(String(group.count))}${badge}</p>`;
  const facts = table(
    kv(m.account, text(finding.accountId)) +
      kv(m.role, text(principalIdentity(finding.principalArn))) +
      kv(m.profile, text(finding.profile?.id ?? finding.modelId)) +
      kv(m.route, `${text(finding.sourceRegion)} → ${text(finding.deniedRegion)}${escapeHtml(regionNote(finding.deniedRegion, lang))}`) +
      kv(m.count, `${escapeHtml(String(group.count))} <span style="${STYLE.muted}">${escapeHtml(bracketed(`${m.previousDay}: ${group.previousCount}`, lang))}</span>`) +
      kv(m.firstSeen, text(formatInTimeZone(group.firstSeen, timeZone))) +
      kv(m.lastSeen, text(formatInTimeZone(group.lastSeen, timeZone))) +
      kv(m.reason, text(explainFinding(finding, lang), 600)) +
      // Linked: the parser keeps only complete links on AWS console hosts.
      (finding.authorizationDetailsUrl === null
        ? ''
        : kv(m.authorizationDetails, `<a href="${escapeHtml(finding.authorizationDetailsUrl)}">${escapeHtml(finding.authorizationId ?? finding.authorizationDetailsUrl)}</a>`)),
  );
  const fix = group.recommendedFix;
  let fixHtml: string;
  if (fix === null) {
    fixHtml = `<p style="margin:8px 0 0 0;${STYLE.muted}">${escapeHtml(m.noFix)}</p>`;
  } else {
    let snippetHtml = '';
    if (fix.snippet !== null) {
      const seenIn = snippets.get(fix.snippet.content);
      if (seenIn === undefined) {
        snippets.set(fix.snippet.content, index);
        snippetHtml = `<pre style="${STYLE.pre}">${escapeHtml(neutralizeText(fix.snippet.content, { multiline: true }))}</pre>`;
      } else {
        snippetHtml = `<p style="margin:4px 0 0 0;${STYLE.muted}">${escapeHtml(m.sameSnippetAs({ group: seenIn }))}</p>`;
      }
    }
    fixHtml =
      `<p style="margin:8px 0 0 0;font-weight:bold;">${escapeHtml(m.recommendedFix)}: ${text(fix.title)}</p>` +
      `<p style="margin:4px 0 0 0;">${text(fix.summary, 1000)}</p>` +
      (verificationText(fix, lang) === null ? '' : `<p style="margin:4px 0 0 0;font-style:italic;">${text(verificationText(fix, lang) ?? '', 600)}</p>`) +
      `<p style="margin:4px 0 0 0;${STYLE.muted}">${escapeHtml(m.tradeoffs)}: ${text(fix.tradeoffs, 1000)}</p>` +
      snippetHtml;
  }
  // A bordered one-cell table rather than a div: Outlook's Word engine keeps borders and padding on cells.
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;margin:0 0 16px 0;"><tr><td style="padding:8px;border:1px solid #d0d7de;">${title}${facts}${fixHtml}</td></tr></table>`;
}

function renderGroups(digest: Digest, m: DigestMessages, maxGroups: number, lang: Language): string {
  const groups = digest.crossRegionScpGroups;
  if (groups.length === 0) return heading(m.groupsHeading) + `<p style="margin:0;">${escapeHtml(m.groupsNone)}</p>`;
  const snippets = new Map<string, number>();
  const shown = groups.slice(0, maxGroups);
  const more = groups.length > shown.length ? `<p style="margin:0;${STYLE.muted}">${escapeHtml(m.groupsMore({ shown: shown.length, total: groups.length }))}</p>` : '';
  return (
    heading(m.groupsHeading) +
    `<p style="margin:0 0 8px 0;${STYLE.muted}">${escapeHtml(m.groupsIntro)}</p>` +
    shown.map((group, i) => renderGroup(group, i + 1, snippets, m, digest.window.timeZone, lang)).join('') +
    more
  );
}

function windowLine(window: DigestWindow, m: DigestMessages): string {
  return m.windowLine({
    from: formatInTimeZone(window.from, window.timeZone),
    to: formatInTimeZone(window.to, window.timeZone),
    timeZone: window.timeZone,
  });
}

function page(lang: Language, title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f4f5f7;">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;background:#f4f5f7;"><tr><td align="center" style="padding:16px 8px;">` +
    `<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" style="width:640px;max-width:100%;background:#ffffff;border:1px solid #d0d7de;font-family:${FONT};font-size:14px;line-height:20px;color:#1f2328;">` +
    body +
    `</table></td></tr></table></body></html>`
  );
}

function header(title: string, subtitle: string): string {
  return (
    `<tr><td style="padding:20px 24px 8px 24px;border-bottom:3px solid #0969da;">` +
    `<h1 style="margin:0;font-size:20px;line-height:26px;">${escapeHtml(title)}</h1>` +
    `<p style="margin:4px 0 0 0;${STYLE.muted}">${escapeHtml(subtitle)}</p></td></tr>`
  );
}

/**
 * The digest as an HTML email body: table layout with inline styles only (reads in Outlook and
 * Gmail), no scripts, no links, no images. Every value is escaped with {@link escapeHtml} after
 * bidi controls are neutralized.
 */
export function renderDigestHtml(digest: Digest, options: RenderHtmlOptions): string {
  const m = DIGEST_MESSAGES[options.lang];
  const body =
    header(m.title, windowLine(digest.window, m)) +
    section(renderSummary(digest, m)) +
    section(renderByVerdict(digest, m)) +
    section(renderTop(digest, m)) +
    section(renderGroups(digest, m, options.maxGroups ?? 20, options.lang)) +
    renderIntermittency(digest, m, options.lang) +
    renderReadiness(digest, m, options.lang) +
    `<tr><td style="padding:12px 24px 20px 24px;${STYLE.muted}">${escapeHtml(m.footer)}</td></tr>`;
  return page(options.lang, m.title, body);
}

/** The one-line HTML mail of a window without denials. */
export function renderEmptyDigestHtml(window: DigestWindow, options: { lang: Language }): string {
  const m = DIGEST_MESSAGES[options.lang];
  const line = m.emptyLine({
    from: formatInTimeZone(window.from, window.timeZone),
    to: formatInTimeZone(window.to, window.timeZone),
    timeZone: window.timeZone,
  });
  return page(options.lang, m.title, `<tr><td style="padding:20px 24px;">${escapeHtml(line)}</td></tr>`);
}

function renderIntermittency(digest: Digest, m: DigestMessages, lang: Language): string {
  const view = digest.intermittency;
  if (view == null) return '';
  const rows = view.failing
    .map((row) => `<tr><td style="${STYLE.td}white-space:nowrap;">${text(row.accountId)}</td><td style="${STYLE.td}">${text(describeIntermittency(row, lang), 1000)}</td></tr>`)
    .join('');
  const notes = [
    ...(view.failingTotal > view.failing.length ? [m.intermittencyMore({ shown: view.failing.length, total: view.failingTotal })] : []),
    ...(view.healthy > 0 ? [m.intermittencyHealthy({ count: view.healthy })] : []),
  ];
  return section(
    heading(m.intermittencyHeading({ day: view.day })) +
      `<p style="margin:0 0 8px 0;${STYLE.muted}">${escapeHtml(m.intermittencyIntro)}</p>` +
      (rows === '' ? '' : table(`<tr><th style="${STYLE.th}">${escapeHtml(m.account)}</th><th style="${STYLE.th}">${escapeHtml(m.profile)}</th></tr>${rows}`)) +
      notes.map((note) => `<p style="margin:4px 0 0 0;${STYLE.muted}">${escapeHtml(note)}</p>`).join(''),
  );
}

function renderReadiness(digest: Digest, m: DigestMessages, lang: Language): string {
  const readiness = digest.readiness ?? null;
  if (readiness === null) return '';
  if (readiness.status === 'not-computed') {
    return section(`<p style="margin:0;${STYLE.muted}">${escapeHtml(m.readinessNotComputed({ reason: readiness.reason, detail: readiness.detail === null ? null : truncateText(neutralizeText(readiness.detail), 300) }))}</p>`);
  }
  if (readiness.groups.length === 0) return '';
  const snippets = new Map<string, string>();
  const kv = (label: string, value: string): string => `<tr><td style="${STYLE.label}">${escapeHtml(label)}</td><td style="${STYLE.value}">${value}</td></tr>`;
  const groups = readiness.groups.map((group, i) => {
    const label = `R${i + 1}`;
    const denied = group.sourceCallDenied ? [m.readinessSourceCall, ...group.deniedDestinations] : group.deniedDestinations;
    const option = group.fix?.recommended ?? null;
    let fixHtml: string;
    if (option === null) {
      fixHtml = `<p style="margin:8px 0 0 0;${STYLE.muted}">${escapeHtml(m.readinessNoFix)}</p>`;
    } else {
      const outcome = verificationText(option, lang);
      let snippetHtml = '';
      if (option.snippet !== null) {
        const seenIn = snippets.get(option.snippet.content);
        if (seenIn === undefined) {
          snippets.set(option.snippet.content, label);
          snippetHtml = `<pre style="${STYLE.pre}">${escapeHtml(neutralizeText(option.snippet.content, { multiline: true }))}</pre>`;
        } else {
          snippetHtml = `<p style="margin:4px 0 0 0;${STYLE.muted}">${escapeHtml(m.readinessSameSnippet({ label: seenIn }))}</p>`;
        }
      }
      fixHtml =
        `<p style="margin:8px 0 0 0;font-weight:bold;">${escapeHtml(m.recommendedFix)}: ${text(option.title)}</p>` +
        (outcome === null ? '' : `<p style="margin:4px 0 0 0;font-style:italic;">${text(outcome, 600)}</p>`) +
        snippetHtml;
    }
    const title = `<p style="margin:0 0 4px 0;font-weight:bold;font-size:14px;">${escapeHtml(`${label}.`)} ${text(group.profile)} (${text(group.sourceRegion)})</p>`;
    const facts = table(
      kv(m.readinessBlockedIn, text(targetsLabel(group, m), 1500)) +
        kv(m.readinessDeniedIn, text(denied.join(', '))) +
        kv(m.readinessDeniedBy, text(group.deniedBy.map((d) => denierLabel(d, m)).join('; '), 1000)),
    );
    return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;margin:0 0 16px 0;"><tr><td style="padding:8px;border:1px solid #d0d7de;">${title}${facts}${fixHtml}</td></tr></table>`;
  });
  const more = readiness.groupsTotal > readiness.groups.length ? `<p style="margin:0;${STYLE.muted}">${escapeHtml(m.readinessMore({ shown: readiness.groups.length, total: readiness.groupsTotal }))}</p>` : '';
  return section(
    heading(m.readinessHeading) +
      `<p style="margin:0 0 8px 0;${STYLE.muted}">${escapeHtml(m.readinessIntro({ takenAt: truncateText(neutralizeText(readiness.takenAt), 40), pairs: readiness.routes.length, targets: readiness.targets }))}</p>` +
      groups.join('') +
      more,
  );
}
