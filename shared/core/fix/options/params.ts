/**
 * The placeholder values shared by the cross-Region option texts.
 */
import type { FixContext } from '../fix-context.js';
import { listText } from './common.js';

/** `{profile}`, `{source}`, `{regions}`, `{actions}` for a fix context. */
export function contextParams(context: FixContext): Record<string, string> {
  return {
    profile: context.profileId ?? '-',
    source: context.sourceRegion ?? '-',
    regions: listText(context.scpRegions),
    actions: listText(context.actions),
    scope: context.scope ?? '-',
  };
}
