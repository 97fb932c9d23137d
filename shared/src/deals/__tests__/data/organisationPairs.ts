/** The rows of organisation-pairs.json (README.md beside it), written by scripts/labelled/organisationPairs.ts. */

/** One side of a pair: an organisation as a register or a partner would write it. */
export interface PairSide {
  name: string;
  country: string | null;
  domain: string | null;
}

export interface OrganisationPair {
  /** The known organisation's id: pairs with the same id share one known record. */
  id: string;
  /** Which half the pair is in: `tune` for fitting the rules, `holdout` for reporting. */
  half: 'tune' | 'holdout';
  kind: string;
  same: boolean;
  known: PairSide;
  incoming: PairSide;
}
