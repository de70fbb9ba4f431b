/** The risk colours of DOMAIN.md (red most dangerous), as the API spells them. */
export const RISK_COLOURS = ['red', 'orange', 'yellow', 'blue', 'green'] as const;
export type RiskColour = (typeof RISK_COLOURS)[number];

// antd's preset tag colours; gold rather than yellow, which is unreadable on white.
const TAG_COLOURS: Record<RiskColour, string> = {
  red: 'red',
  orange: 'orange',
  yellow: 'gold',
  blue: 'blue',
  green: 'green',
};

export function isRiskColour(value: unknown): value is RiskColour {
  return RISK_COLOURS.includes(value as RiskColour);
}

/** The tag to draw for a case's risk; null when the case is not screened yet. */
export function riskTag(risk: string | null | undefined): { risk: RiskColour; tagColour: string } | null {
  return isRiskColour(risk) ? { risk, tagColour: TAG_COLOURS[risk] } : null;
}
