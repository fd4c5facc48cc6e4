/**
 * Wildcard (`*`, `?`) matching as IAM policies use it, without regular expressions: a pattern is a
 * list of tokens matched by dynamic programming in O(pattern × value), so hostile patterns such as
 * `*a*a*a*a*b` cannot trigger catastrophic backtracking.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 */

/** One pattern element: a literal character, `?` (one character) or `*` (any run of characters). */
export type PatternToken =
  | { kind: 'literal'; char: string; ignoreCase: boolean }
  | { kind: 'one'; colonAllowed: boolean }
  | { kind: 'many'; colonAllowed: boolean };

/** How a raw pattern string is turned into tokens. */
export interface TokenizeOptions {
  /** Whether `*` and `?` are wildcards (true for `...Like`, Action, Resource) or plain characters. */
  wildcards: boolean;
  /** Compare literal characters ignoring case. */
  ignoreCase: boolean;
}

/** Tokens of a plain pattern string (no policy variables); see {@link TokenizeOptions}. */
export function tokenize(pattern: string, options: TokenizeOptions): PatternToken[] {
  const tokens: PatternToken[] = [];
  for (const char of pattern) {
    if (options.wildcards && char === '*') tokens.push({ kind: 'many', colonAllowed: true });
    else if (options.wildcards && char === '?') tokens.push({ kind: 'one', colonAllowed: true });
    else tokens.push({ kind: 'literal', char, ignoreCase: options.ignoreCase });
  }
  return tokens;
}

function sameChar(token: { char: string; ignoreCase: boolean }, char: string): boolean {
  if (token.char === char) return true;
  return token.ignoreCase && token.char.toLowerCase() === char.toLowerCase();
}

/**
 * Whether `value` matches the token list as a whole (anchored at both ends).
 * Contract: total, never throws; an empty token list matches only the empty string.
 */
export function matchTokens(tokens: readonly PatternToken[], value: string): boolean {
  const chars = Array.from(value);
  if (tokens.every((t) => t.kind === 'literal')) {
    if (tokens.length !== chars.length) return false;
    return tokens.every((t, i) => t.kind === 'literal' && sameChar(t, chars[i] ?? ''));
  }
  const n = chars.length;
  let row = new Uint8Array(n + 1);
  row[0] = 1;
  for (const token of tokens) {
    const next = new Uint8Array(n + 1);
    if (token.kind === 'many') {
      next[0] = row[0] ?? 0;
      for (let j = 1; j <= n; j += 1) {
        const char = chars[j - 1] ?? '';
        const extend = (next[j - 1] ?? 0) === 1 && (token.colonAllowed || char !== ':');
        next[j] = (row[j] ?? 0) === 1 || extend ? 1 : 0;
      }
    } else {
      for (let j = 1; j <= n; j += 1) {
        if ((row[j - 1] ?? 0) !== 1) continue;
        const char = chars[j - 1] ?? '';
        const ok =
          token.kind === 'one' ? token.colonAllowed || char !== ':' : sameChar(token, char);
        if (ok) next[j] = 1;
      }
    }
    row = next;
  }
  return (row[n] ?? 0) === 1;
}

/**
 * Glob match of a whole string: `*` any run (colons included), `?` one character.
 * Used by `StringLike`/`StringNotLike` (case-sensitive) and actions (case-insensitive).
 */
export function matchWildcard(pattern: string, value: string, options: { ignoreCase: boolean }): boolean {
  if (pattern === '*') return true;
  return matchTokens(tokenize(pattern, { wildcards: true, ignoreCase: options.ignoreCase }), value);
}

/**
 * Whether an IAM action (`bedrock:InvokeModel`) matches a policy action pattern (`bedrock:Invoke*`,
 * `*`). Service prefix and action name are both compared ignoring case, as IAM does.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 */
export function matchAction(pattern: string, action: string): boolean {
  return matchWildcard(pattern, action, { ignoreCase: true });
}

/**
 * Turns resource-pattern tokens into the ARN-aware form IAM uses for `Resource`/`NotResource`:
 * in the first five colon-separated segments (partition, service, Region, account) literals ignore
 * case and a wildcard stays inside its segment, except a `*` that ends a segment, which may expand
 * across colons; in the resource part (after the fifth colon) matching is case-sensitive and `*`
 * spans anything.
 */
export function arnResourceTokens(tokens: readonly PatternToken[]): PatternToken[] {
  let segment = 0;
  return tokens.map((token, i) => {
    const inResource = segment >= 5;
    if (token.kind === 'literal') {
      if (token.char === ':') segment += 1;
      return { kind: 'literal', char: token.char, ignoreCase: !inResource };
    }
    if (token.kind === 'one') return { kind: 'one', colonAllowed: inResource };
    const following = tokens[i + 1];
    const endsSegment = following === undefined || (following.kind === 'literal' && following.char === ':');
    return { kind: 'many', colonAllowed: inResource || endsSegment };
  });
}

/**
 * Whether a resource ARN matches a `Resource`/`NotResource` pattern; `*` matches everything.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
 */
export function matchResource(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  return matchTokens(arnResourceTokens(tokenize(pattern, { wildcards: true, ignoreCase: true })), resource);
}

/**
 * `ArnLike`/`ArnEquals` matching: each of the six colon-delimited ARN components is matched
 * separately and case-sensitively, each may hold `*` and `?` (the resource component keeps its own
 * colons). A pattern or value that is not a six-component ARN falls back to a whole-string
 * case-sensitive glob, so `*` still matches anything.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
export function matchArnTokens(tokens: readonly PatternToken[], value: string): boolean {
  const groups: PatternToken[][] = [[]];
  for (const token of tokens) {
    if (groups.length < 6 && token.kind === 'literal' && token.char === ':') groups.push([]);
    else groups[groups.length - 1]?.push(token);
  }
  const parts = splitArn(value);
  if (groups.length < 6 || parts === null) return matchTokens(tokens, value);
  return groups.every((group, i) => matchTokens(group, parts[i] ?? ''));
}

/** Splits an ARN into its six components (the last keeps its colons); null when it has fewer. */
export function splitArn(value: string): string[] | null {
  const parts: string[] = [];
  let rest = value;
  for (let i = 0; i < 5; i += 1) {
    const at = rest.indexOf(':');
    if (at < 0) return null;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}
