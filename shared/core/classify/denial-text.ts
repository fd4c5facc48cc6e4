/**
 * Finds an access-denied message inside whatever text carries it: an SDK exception
 * (`An error occurred (AccessDeniedException) when calling the Converse operation: …`, `operation
 * error Bedrock Runtime: Converse, https response error StatusCode: 403, …`), a JSON error body with
 * escaped quotes (LiteLLM `BedrockException - {\"message\":\"User: …\"}`), a language's debug print
 * (`Some("User: …")`, `EventStreamError('…')`), a log line with tabs, a terminal box, or a copy a
 * person re-wrapped onto several lines or cut short. Pure and total: never throws.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 */

/** The parts of the IAM sentence, read tolerantly (see {@link readAuthorizationSentence}). */
export interface AuthorizationSentence {
  principal: string;
  action: string;
  resource: string | null;
  /** Null when the message names no policy type (the short form, or a copy cut before it). */
  policyType: string | null;
  explicit: boolean;
  transitivePolicyType: string | null;
  /** The policy ARN text as written (possibly cut off); null when none. */
  policyArnText: string | null;
  /** Whatever follows the clause (Access Troubleshooter sentences, later additions). */
  trailing: string | null;
}

/** Policy types as IAM words them, longest first so that a prefix never wins over a longer name. */
const POLICY_TYPES = [
  'resource control policy',
  'service control policy',
  'resource-based policy',
  'identity-based policy',
  'VPC endpoint policy',
  'permissions boundary',
  'sessions policy',
  'session policy',
] as const;

/**
 * The known policy type a cut-off copy begins (`service contr` → `service control policy`); the
 * text itself when it is complete, unknown, or could begin more than one.
 */
export function completePolicyType(type: string): string {
  if (KNOWN_POLICY_TYPES.has(type)) return type;
  const lower = type.toLowerCase();
  if (lower.length < 3 || KNOWN_POLICY_TYPES.has(lower)) return type;
  const candidates = POLICY_TYPES.filter((known) => known.toLowerCase().startsWith(lower));
  return candidates.length === 1 ? (candidates[0] as string) : type;
}

const KNOWN_POLICY_TYPES: ReadonlySet<string> = new Set([...POLICY_TYPES, ...POLICY_TYPES.map((type) => type.toLowerCase())]);

const NOT_AUTHORIZED = /\bis\s+not\s+authorized\s+to\s+perform:\s*/;
const ACTION = /^([A-Za-z0-9-]+:[A-Za-z0-9*]+)/;
/** Longest principal worth reading back from the sentence (a role session ARN is well below it). */
const MAX_PRINCIPAL = 400;
const MAX_INPUT = 200_000;

/**
 * Undoes JSON string escaping, once per nesting level (a JSON body inside a JSON log line is
 * escaped twice). Only runs when the text has escapes, so plain text is returned as is.
 */
export function unescapeJsonText(text: string): string {
  let current = text;
  for (let level = 0; level < 3 && current.includes('\\'); level++) {
    const next = current.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt'])/g, (_match, escape: string) => {
      if (escape.length === 5) return String.fromCharCode(Number.parseInt(escape.slice(1), 16));
      switch (escape) {
        case 'n':
        case 'r':
        case 't':
        case 'b':
        case 'f':
          return ' ';
        default:
          return escape;
      }
    });
    if (next === current) break;
    current = next;
  }
  return current;
}

const BOX_DRAWING = /[│┃║╎╏┆┇┊┋]|\u001b\[[0-9;]*m/g;

/** Bounded, unescaped text with terminal box drawing and colour codes blanked out (line breaks kept). */
function prepare(text: string): string {
  const input = text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text;
  const unescaped = input.includes('\\') ? unescapeJsonText(input) : input;
  return unescaped.replace(BOX_DRAWING, ' ');
}

/** Removes terminal box drawing and markdown quoting, and folds every run of white space to one space. */
function flatten(text: string): string {
  return text
    .replace(BOX_DRAWING, ' ')
    .replace(/([/-])\s*\n\s*(?=[A-Za-z0-9])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Where the message that starts at `from` ends in free text: at the first quote, backtick or
 * Java-SDK suffix `(Service: …)`, whichever comes first. (A blank line does not end it: terminal
 * boxes have empty rows inside one message.)
 */
function messageEnd(text: string, from: number): number {
  let end = text.length;
  const candidates = [
    text.indexOf('"', from),
    text.indexOf('`', from),
    text.indexOf('”', from),
    text.indexOf(' (Service: ', from),
    // A closing single quote (Python repr), not an apostrophe inside a word.
    searchFrom(text, /'(?=[)\],}\s]|$)/g, from),
  ];
  for (const candidate of candidates) if (candidate >= 0 && candidate < end) end = candidate;
  return end;
}

function searchFrom(text: string, pattern: RegExp, from: number): number {
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  return match === null ? -1 : match.index;
}

/** The principal written before "is not authorized": after the nearest `User:`, else the token before. */
function principalBefore(text: string, sentenceStart: number): { principal: string; start: number } | null {
  const windowStart = Math.max(0, sentenceStart - MAX_PRINCIPAL);
  const before = text.slice(windowStart, sentenceStart);
  const user = before.lastIndexOf('User:');
  if (user >= 0) {
    const principal = flatten(before.slice(user + 'User:'.length));
    // A redaction such as `<account id>` may put a space or two inside the ARN; prose does not fit.
    if (principal.length > 0 && principal.split(' ').length <= 3) return { principal, start: windowStart + user };
  }
  const token = /(\S+)\s*$/.exec(before);
  if (token === null) return null;
  const principal = (token[1] ?? '').replace(/^["'`(\[{]+/, '');
  return principal.length === 0 ? null : { principal, start: windowStart + (token.index ?? 0) };
}

function startsWithAt(text: string, prefix: string, at: number): boolean {
  return text.startsWith(prefix, at);
}

/**
 * A policy type at `at`: a known one (or, at the very end of a copy cut short, the one known type it
 * begins), else the words up to the next `:`, `.` or end.
 */
function policyTypeAt(text: string, at: number): { type: string; end: number } | null {
  for (const type of POLICY_TYPES) {
    if (text.slice(at, at + type.length).toLowerCase() === type.toLowerCase()) return { type: text.slice(at, at + type.length), end: at + type.length };
  }
  const tail = text.slice(at);
  if (tail.length >= 3 && tail.length < 24 && /^[A-Za-z -]+$/.test(tail)) {
    const candidates = POLICY_TYPES.filter((type) => type.toLowerCase().startsWith(tail.toLowerCase()));
    if (candidates.length === 1) return { type: candidates[0] as string, end: text.length };
  }
  const words = /^([A-Za-z][A-Za-z -]*?)(?=:|\.(?:\s|$)| transitively |$)/.exec(tail);
  return words === null ? null : { type: words[1] ?? '', end: at + (words[1] ?? '').length };
}

/**
 * Reads the IAM sentence from a flattened text that starts with `User: ` or a principal. Knows the
 * documented clauses, the short form without a clause, cut-off copies and trailing sentences.
 */
export function readAuthorizationSentence(sentence: string, principal: string, afterPerform: number): AuthorizationSentence | null {
  const action = ACTION.exec(sentence.slice(afterPerform));
  if (action === null) return null;
  let at = afterPerform + (action[1] ?? '').length;
  let resource: string | null = null;
  if (startsWithAt(sentence, ' on resource:', at)) {
    const from = at + ' on resource:'.length + (sentence[at + ' on resource:'.length] === ' ' ? 1 : 0);
    const ends = [sentence.indexOf(' with an explicit deny in ', from), sentence.indexOf(' because no ', from)].filter((index) => index >= 0);
    const end = ends.length === 0 ? sentence.length : Math.min(...ends);
    resource = sentence.slice(from, end).replace(/[.,;]+$/, '').trim() || null;
    at = end;
  }
  const result: AuthorizationSentence = {
    principal,
    action: action[1] ?? '',
    resource,
    policyType: null,
    explicit: false,
    transitivePolicyType: null,
    policyArnText: null,
    trailing: null,
  };
  if (startsWithAt(sentence, ' with an explicit deny in ', at)) {
    at += ' with an explicit deny in '.length;
    const articled = /^an? /.exec(sentence.slice(at));
    if (articled !== null) at += articled[0].length;
    const type = policyTypeAt(sentence, at);
    if (type === null) return result;
    result.policyType = type.type;
    result.explicit = true;
    at = type.end;
    const transitive = /^ transitively through an? /.exec(sentence.slice(at));
    if (transitive !== null) {
      const second = policyTypeAt(sentence, at + transitive[0].length);
      if (second !== null) {
        result.transitivePolicyType = second.type;
        at = second.end;
      }
    }
    if (startsWithAt(sentence, ': ', at)) {
      const arn = /^\S+/.exec(sentence.slice(at + 2));
      const raw = arn?.[0] ?? '';
      // The period that ends the sentence is not part of the ARN.
      const text = raw.replace(/[.,;]+$/, '');
      result.policyArnText = text === '' ? null : text;
      at += 2 + raw.length;
    }
  } else if (startsWithAt(sentence, ' because no ', at)) {
    at += ' because no '.length;
    const type = policyTypeAt(sentence, at);
    if (type === null) return result;
    result.policyType = type.type;
    at = type.end;
    const allows = /^ allows the \S+ action/.exec(sentence.slice(at));
    if (allows !== null) at += allows[0].length;
    else at = sentence.length;
  }
  const trailing = sentence.slice(at).replace(/^[.,;\s]+/, '').trim();
  result.trailing = trailing === '' ? null : trailing;
  return result;
}

/**
 * Finds the IAM access-denied sentence anywhere in `text` and reads it; null when there is none.
 * Undoes JSON escaping and re-wrapping first.
 */
export function findAuthorizationSentence(text: string): AuthorizationSentence | null {
  const unescaped = prepare(text);
  const match = NOT_AUTHORIZED.exec(unescaped);
  if (match === null) return null;
  const who = principalBefore(unescaped, match.index);
  if (who === null) return null;
  const end = messageEnd(unescaped, match.index + match[0].length);
  const rest = flatten(unescaped.slice(match.index + match[0].length, end));
  const sentence = `User: ${who.principal} is not authorized to perform: ${rest}`;
  return readAuthorizationSentence(sentence, who.principal, `User: ${who.principal} is not authorized to perform: `.length);
}

/** Bedrock's own denial wordings, which follow no grammar; searched for anywhere in the text. */
export const BEDROCK_DENIAL_PHRASES = [
  { pattern: /You don[’'`]?t have access to the model with the specified model ID/i, kind: 'model-access', detail: 'model-not-enabled' },
  { pattern: /Your account is not authorized to (?:invoke this API operation|perform this action)/i, kind: 'model-access', detail: 'account-not-authorized' },
  { pattern: /Model access is denied due to [^]*?AWS Marketplace/i, kind: 'model-access', detail: 'marketplace' },
  { pattern: /Model access is denied due to INVALID_PAYMENT_INSTRUMENT/i, kind: 'model-access', detail: 'payment-instrument' },
  { pattern: /Access denied when calling Bedrock\.? Check your request permissions/i, kind: 'service-role', detail: 'request-permissions' },
  { pattern: /Access denied while trying to create\/update an agent using InferenceProfile/i, kind: 'service-role', detail: 'agent-inference-profile' },
] as const;

/** The first Bedrock denial wording found in `text`, or null. */
export function findBedrockDenialPhrase(text: string): (typeof BEDROCK_DENIAL_PHRASES)[number] | null {
  const flat = flatten(prepare(text));
  for (const phrase of BEDROCK_DENIAL_PHRASES) if (phrase.pattern.test(flat)) return phrase;
  return null;
}
