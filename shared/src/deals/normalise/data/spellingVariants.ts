/** Data: abbreviations and spellings of one word in company names, each mapped to one spelling. */

/** Spelling variants of the same word; each maps to one canonical spelling. */
export const canonicalWords: Record<string, string> = {
  intl: 'international',
  internat: 'international',
  tech: 'technologies',
  technology: 'technologies',
  techs: 'technologies',
  sys: 'systems',
  svcs: 'services',
  svc: 'services',
  mfg: 'manufacturing',
  mgmt: 'management',
  grp: 'group',
  hldgs: 'holdings',
  holding: 'holdings',
  natl: 'national',
  assoc: 'associates',
  bros: 'brothers',
  labs: 'laboratories',
  lab: 'laboratories',
  ctr: 'center',
  centre: 'center',
  mt: 'mount',
  st: 'saint',
  univ: 'university',
};
