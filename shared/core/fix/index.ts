export { suggestFix, type SuggestFixOptions } from './suggest-fix.js';
export { MESSAGES, message, isMessageKey, type MessageKey } from './messages.js';
export { unifiedDiff, diffLines, splitLines, type LineOp, type UnifiedDiffOptions } from './diff.js';
export { detectControlTower, isControlTowerSid, type ControlTowerKind, type ControlTowerMatch } from './control-tower.js';
export { measurePolicy, minifyPolicy, policySize, renderLike, detectIndent, type PolicySizeReport } from './policy-text.js';
export { patchStatement, ADDED_SIDS, type PatchStrategy, type StatementPatch } from './patch-scp.js';
export { buildFixContext, buildVerificationRequests, type FixContext, type VerificationRequests } from './fix-context.js';
export { identityPolicyDocument } from './options/identity-policy.js';
export { renderFixText, verificationText, type RenderFixTextOptions } from './render-text.js';
