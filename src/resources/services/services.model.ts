// How a service chooses its participants' numbers (docs/number-selection.md).

export const GEO_MATCH_LEVELS = ['area-code', 'overlay', 'radius', 'country'] as const;

export const NUMBER_SELECTION_BEHAVIORS = ['avoid-sticky', 'prefer-sticky'] as const;

export type GeoMatchLevel = (typeof GEO_MATCH_LEVELS)[number];

export type NumberSelectionBehavior = (typeof NUMBER_SELECTION_BEHAVIORS)[number];
