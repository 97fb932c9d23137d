/** Data: the second-level labels of country registries, for finding the domain a company registered. */

/**
 * Second-level labels under which country registries sell names ("acme.co.uk", "acme.com.au").
 * A heuristic in place of the full Public Suffix List, which would be a large data file in every host.
 */
export const secondLevelRegistries = new Set([
  'co',
  'com',
  'net',
  'org',
  'gov',
  'edu',
  'ac',
  'ne',
  'or',
  'go',
  'gob',
  'gouv',
  'ltd',
  'plc',
  'biz',
  'info',
]);
