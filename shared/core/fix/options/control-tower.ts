/**
 * Control Tower variants: never edit a Control Tower-managed SCP; exempt the inference actions with
 * the parameters of `CT.MULTISERVICE.PV.1`, and keep them on the profile with a separate custom SCP.
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/ou-region-deny.html
 * @see https://docs.aws.amazon.com/controlcatalog/latest/APIReference/API_ControlParameter.html
 */
import type { FixOption, Language } from '../../types.js';
import type { ControlTowerKind } from '../control-tower.js';
import type { FixContext } from '../fix-context.js';
import { buildOption, listText } from './common.js';
import { contextParams } from './params.js';

/** Parameters of `CT.MULTISERVICE.PV.1` that let the inference actions out of the Region deny. */
export interface ControlTowerParameters {
  allowedRegions: string[];
  exemptedActions: string[];
  exemptedPrincipalArns: string[];
}

/** The AWS CLI call that enables (landing zone) or updates (OU control) `CT.MULTISERVICE.PV.1`. */
export function controlTowerCommand(kind: ControlTowerKind, parameters: ControlTowerParameters): string {
  const list = [
    { key: 'AllowedRegions', value: parameters.allowedRegions },
    { key: 'ExemptedActions', value: parameters.exemptedActions },
    ...(parameters.exemptedPrincipalArns.length > 0
      ? [{ key: 'ExemptedPrincipalArns', value: parameters.exemptedPrincipalArns }]
      : []),
  ];
  const json = JSON.stringify(list);
  const head =
    kind === 'ou-region-deny'
      ? ['aws controltower update-enabled-control \\', '  --enabled-control-identifier <enabled-control-ARN-of-CT.MULTISERVICE.PV.1> \\']
      : [
          'aws controltower enable-control \\',
          '  --control-identifier <control-ARN-of-CT.MULTISERVICE.PV.1> \\',
          '  --target-identifier <OU-ARN> \\',
        ];
  return [...head, `  --parameters '${json}'`, ''].join('\n');
}

/** Builds the Control Tower parameters option. */
export function controlTowerParametersOption(input: {
  lang: Language;
  rank: number;
  context: FixContext;
  kind: ControlTowerKind;
  policyName: string;
  parameters: ControlTowerParameters;
  verification?: FixOption['verification'];
}): FixOption {
  return buildOption({
    id: 'control-tower-parameters',
    rank: input.rank,
    lang: input.lang,
    title: 'ctParameters.title',
    summary: input.kind === 'ou-region-deny' ? 'ctParameters.summaryOu' : 'ctParameters.summaryLandingZone',
    tradeoffs: 'ctParameters.tradeoffs',
    params: {
      ...contextParams(input.context),
      name: input.policyName,
      approved: listText(input.parameters.allowedRegions),
    },
    snippet: { language: 'text', content: controlTowerCommand(input.kind, input.parameters) },
    verification: input.verification,
  });
}

/** Builds the custom-SCP option that accompanies the Control Tower exemption. */
export function controlTowerCustomScpOption(input: {
  lang: Language;
  rank: number;
  context: FixContext;
  snippet: FixOption['snippet'];
  verification?: FixOption['verification'];
}): FixOption {
  return buildOption({
    id: 'control-tower-custom-scp',
    rank: input.rank,
    lang: input.lang,
    title: 'ctCustomScp.title',
    summary: 'ctCustomScp.summary',
    tradeoffs: 'ctCustomScp.tradeoffs',
    params: contextParams(input.context),
    snippet: input.snippet,
    verification: input.verification,
  });
}
