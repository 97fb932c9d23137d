/** Word weights: how much each word of a company name says about which company is meant. */

/**
 * Words that many unrelated companies share ("First National Bank", "Global Systems Group"): a match on
 * them alone is weak evidence, so they weigh less than a distinctive word.
 */
const commonWords = new Set([
  'group',
  'holdings',
  'international',
  'global',
  'worldwide',
  'services',
  'solutions',
  'systems',
  'technologies',
  'consulting',
  'partners',
  'industries',
  'enterprises',
  'bank',
  'capital',
  'management',
  'associates',
  'digital',
  'software',
  'laboratories',
  'national',
  'american',
  'first',
  'united',
  'general',
  'network',
  'networks',
  'communications',
  'media',
  'energy',
  'health',
  'healthcare',
  'financial',
  'insurance',
  'trust',
  'investments',
  'resources',
  'logistics',
  'foods',
  'products',
  'design',
  'studio',
  'agency',
  'ventures',
  'trading',
  'north',
  'south',
  'east',
  'west',
  'new',
  'center',
  'data',
  'cloud',
  'consultants',
  'engineering',
  'manufacturing',
  'airlines',
  'air',
  'motors',
  'pharma',
  'pharmaceuticals',
  'retail',
  'stores',
  'brands',
  'europe',
  'asia',
  'usa',
  'america',
  'grupo',
  'gruppe',
  'groupe',
  'banco',
  'banque',
  'compagnie',
  'electric',
  'electronics',
  'computer',
  'computers',
  'online',
  'labs',
  'ai',
  'analytics',
  'marketing',
  'dental',
  'medical',
  'construction',
  'realty',
  'properties',
  'automotive',
  'chemicals',
  // places and descriptors that many unrelated companies put in front of their names
  'central',
  'northern',
  'southern',
  'western',
  'eastern',
  'pacific',
  'atlantic',
  'nordic',
  'metro',
  'urban',
  'royal',
  'crown',
  'imperial',
  'premier',
  'prime',
  'smart',
  'advanced',
  'applied',
  'integrated',
  'precision',
  'strategic',
  'superior',
  'standard',
  'universal',
  'continental',
  'coastal',
  'alpine',
  'summit',
  'pioneer',
  'heritage',
  'liberty',
  'horizon',
  'apex',
  'elite',
  'quality',
  'professional',
  'modern',
  'innovative',
  // what the company does, as opposed to who it is
  'robotics',
  'textiles',
  'aviation',
  'marine',
  'security',
  'beverages',
  'biotech',
  'automation',
  'transport',
  'shipping',
  'materials',
  'equipment',
  'supplies',
  'industrial',
  'apparel',
  'furniture',
  'hospitality',
  'hotels',
  'travel',
  'education',
  'printing',
  'packaging',
  'plastics',
  'metals',
  'mining',
  'power',
  'environmental',
  'farms',
  'therapeutics',
  'biosciences',
  'instruments',
  'scientific',
  'semiconductor',
  'telecom',
]);

/** Joining words that carry no identity at all. */
export const joiningWords = new Set([
  'of',
  'the',
  'de',
  'la',
  'le',
  'les',
  'des',
  'du',
  'der',
  'die',
  'das',
  'und',
  'et',
  'y',
  'e',
  'van',
  'von',
  'del',
  'di',
  'da',
  'for',
  'in',
  'at',
]);

/** How much a word says about which company is meant: 1 distinctive, 0.35 common, 0.1 joining. */
export function tokenWeight(token: string): number {
  if (joiningWords.has(token)) return 0.1;
  if (commonWords.has(token)) return 0.35;
  return 1;
}

/** How many known records hold a word, out of how many: the index reads it from its word lists. */
export interface WordRarity {
  records: number;
  holding(word: string): number;
}

/** Below this many known records the counts say nothing about rarity, and every word counts as rare. */
export const fewestRecordsForRarity = 50;

/** A word held by at most this many known records is rare: one in ten thousand, and never fewer than 3. */
export function rareHolding(records: number): number {
  return Math.max(3, Math.ceil(records / 10_000));
}

/** Whether the word is rare among the known customers; every word is while they are too few to tell. */
function isRare(rarity: WordRarity, word: string): boolean {
  return rarity.records < fewestRecordsForRarity || rarity.holding(word) <= rareHolding(rarity.records);
}

/** A word's weight scaled by its rarity: full for a rare word, down to a tenth for one most records hold. */
export function rarityWeight(rarity: WordRarity, word: string): number {
  const weight = tokenWeight(word);
  if (isRare(rarity, word)) return weight;
  const records = rarity.records;
  const scale = Math.log(records / rarity.holding(word)) / Math.log(records / rareHolding(records));
  return weight * Math.max(0.1, Math.min(1, scale));
}
