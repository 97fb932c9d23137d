/**
 * Realistic customers for the benchmarks: invented brand names, surnames, descriptors and industries,
 * legal forms of many countries, country domains, and the ways a partner retypes a customer that is
 * already known (dropped legal form, "and" for "&", a typo, another case, an added "Inc."). Used by the
 * conflict-index benchmark and by the server benchmark's registrations.
 */
import type { KnownCustomerRecord } from '@prm/core/deals/conflicts';

const syllables = [
  'al',
  'am',
  'an',
  'ba',
  'bo',
  'ca',
  'ce',
  'da',
  'di',
  'do',
  'el',
  'em',
  'fa',
  'fo',
  'ga',
  'go',
  'ha',
  'hel',
  'is',
  'ka',
  'ki',
  'la',
  'le',
  'li',
  'lo',
  'ma',
  'me',
  'mi',
  'mo',
  'na',
  'ne',
  'ni',
  'no',
  'pa',
  'pe',
  'po',
  'ra',
  're',
  'ri',
  'ro',
  'sa',
  'se',
  'si',
  'so',
  'ta',
  'te',
  'ti',
  'to',
  'va',
  've',
  'vi',
  'za',
  'ze',
  'quin',
  'stra',
  'tron',
  'lyx',
  'mex',
  'pho',
  'rhy',
  'sky',
  'thal',
  'bra',
  'cre',
  'dra',
  'fre',
  'gli',
  'kra',
  'pli',
  'sto',
  'zen',
  'tri',
  'vol',
  'ar',
  'ex',
  'ia',
  'on',
  'lux',
  'cor',
  'nex',
  'qua',
  'tel',
  'via',
  'mar',
  'sol',
  'ver',
  'tec',
  'dyn',
  'gen',
  'plex',
  'ora',
  'ix',
  'ent',
  'ara',
  'bel',
  'cal',
  'dor',
  'fin',
  'gal',
  'har',
  'kin',
  'lum',
  'mon',
  'nov',
  'pra',
  'rin',
  'sen',
  'tor',
  'ul',
  'vex',
  'wyn',
  'zar',
  'bri',
  'cas',
  'del',
  'fle',
  'gro',
  'ira',
  'jan',
  'kor',
];
const surnames = [
  'Smith',
  'Müller',
  'García',
  'Rossi',
  'Dubois',
  'Nakamura',
  'Kowalski',
  'Andersson',
  'Nielsen',
  'Silva',
  "O'Brien",
  'Schneider',
  'Fischer',
  'Weber',
  'Martin',
  'Bernard',
  'Moreau',
  'Laurent',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Fernández',
  'López',
  'Martínez',
  'Sánchez',
  'Jansen',
  'de Vries',
  'van Dijk',
  'Bakker',
  'Johansson',
  'Karlsson',
  'Virtanen',
  'Korhonen',
  'Hansen',
  'Larsen',
  'Olsen',
  'Novák',
  'Horváth',
  'Nowak',
  'Wiśniewski',
  'Yamamoto',
  'Tanaka',
  'Suzuki',
  'Kim',
  'Park',
  'Chen',
  'Wang',
  'Singh',
  'Patel',
  'Sharma',
  'Costa',
  'Santos',
  'Oliveira',
  'Pereira',
  'Murphy',
  'Kelly',
  'Walsh',
  'Taylor',
  'Brown',
  'Wilson',
  'Evans',
  'Thomas',
  'Roberts',
  'Keller',
  'Huber',
  'Baumann',
  'Steiner',
  'Brunner',
  'Gruber',
  'Lehmann',
  'Wolf',
  'Schulz',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Zimmermann',
  'Braun',
  'Hartmann',
];
const descriptors = [
  'Nordic',
  'Pacific',
  'Atlantic',
  'Alpine',
  'Blue',
  'Green',
  'Silver',
  'Golden',
  'Red',
  'Summit',
  'Pioneer',
  'Harbor',
  'River',
  'Oak',
  'Cedar',
  'Eagle',
  'Falcon',
  'Phoenix',
  'Atlas',
  'Orion',
  'Apex',
  'Vertex',
  'Quantum',
  'Bright',
  'Clear',
  'True',
  'Prime',
  'Northern',
  'Southern',
  'Western',
  'Eastern',
  'Central',
  'Coastal',
  'Metro',
  'Urban',
  'Rapid',
  'Smart',
  'Blackstone',
  'Ironwood',
  'Stonebridge',
  'Crescent',
  'Lighthouse',
  'Evergreen',
  'Redwood',
  'Maple',
  'Granite',
  'Polar',
  'Solar',
  'Lunar',
  'Stellar',
  'Horizon',
  'Meridian',
  'Keystone',
  'Liberty',
  'Heritage',
  'Sterling',
  'Crown',
  'Royal',
  'Imperial',
  'Titan',
];
const industries = [
  'Systems',
  'Logistics',
  'Foods',
  'Analytics',
  'Software',
  'Consulting',
  'Engineering',
  'Health',
  'Energy',
  'Capital',
  'Partners',
  'Labs',
  'Robotics',
  'Manufacturing',
  'Media',
  'Retail',
  'Pharma',
  'Solutions',
  'Technologies',
  'Networks',
  'Biotech',
  'Motors',
  'Insurance',
  'Realty',
  'Construction',
  'Textiles',
  'Chemicals',
  'Aviation',
  'Marine',
  'Security',
  'Dental',
  'Medical',
  'Foods & Beverages',
  'Data',
  'Cloud',
  'Digital',
  'Ventures',
  'Trading',
  'Holdings',
  'Group',
];
const cities = [
  'Hamburg',
  'Munich',
  'Lyon',
  'Milan',
  'Madrid',
  'Rotterdam',
  'Malmo',
  'Espoo',
  'Aarhus',
  'Bergen',
  'Osaka',
  'Perth',
  'Boston',
  'Denver',
  'Austin',
  'Seattle',
  'Leeds',
  'Glasgow',
  'Porto',
  'Krakow',
  'Zurich',
  'Geneva',
  'Pune',
  'Sao Paulo',
  'Toronto',
  'Dublin',
  'Vienna',
  'Prague',
  'Lisbon',
  'Turin',
];

export interface CountryStyle {
  code: string;
  forms: string[];
  tld: string;
}
const countries: CountryStyle[] = [
  { code: 'US', forms: ['Inc.', 'LLC', 'Corp.', 'Corporation', 'Inc'], tld: 'com' },
  { code: 'GB', forms: ['Ltd', 'Limited', 'PLC', 'Ltd.'], tld: 'co.uk' },
  { code: 'DE', forms: ['GmbH', 'AG', 'GmbH & Co. KG', 'SE'], tld: 'de' },
  { code: 'FR', forms: ['SA', 'SAS', 'SARL', 'S.A.'], tld: 'fr' },
  { code: 'IT', forms: ['S.p.A.', 'S.r.l.', 'SpA'], tld: 'it' },
  { code: 'ES', forms: ['S.A.', 'S.L.', 'SL'], tld: 'es' },
  { code: 'NL', forms: ['B.V.', 'N.V.', 'BV'], tld: 'nl' },
  { code: 'SE', forms: ['AB', 'AB (publ)'], tld: 'se' },
  { code: 'FI', forms: ['Oy', 'Oyj'], tld: 'fi' },
  { code: 'DK', forms: ['A/S', 'ApS'], tld: 'dk' },
  { code: 'NO', forms: ['AS', 'ASA'], tld: 'no' },
  { code: 'JP', forms: ['K.K.', 'Co., Ltd.'], tld: 'co.jp' },
  { code: 'AU', forms: ['Pty Ltd', 'Pty. Ltd.'], tld: 'com.au' },
  { code: 'SG', forms: ['Pte. Ltd.', 'Pte Ltd'], tld: 'sg' },
  { code: 'BR', forms: ['Ltda.', 'S.A.'], tld: 'com.br' },
  { code: 'PL', forms: ['Sp. z o.o.', 'S.A.'], tld: 'pl' },
  { code: 'CH', forms: ['AG', 'SA', 'GmbH'], tld: 'ch' },
  { code: 'IN', forms: ['Pvt. Ltd.', 'Private Limited', 'Ltd'], tld: 'in' },
];

export interface GeneratedCompany {
  name: string;
  /** The words that make up the brand, for the domain. */
  core: string;
  country: CountryStyle;
}

export function makeGenerator(random: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const brand = () => {
    const count = random() < 0.3 ? 2 : 3;
    let word = '';
    for (let i = 0; i < count; i++) word += pick(syllables);
    return word[0].toUpperCase() + word.slice(1);
  };
  return function company(): GeneratedCompany {
    const country = pick(countries);
    const roll = random();
    let core: string;
    if (roll < 0.38) core = `${brand()} ${pick(industries)}`;
    else if (roll < 0.55) core = brand();
    else if (roll < 0.7) core = `${pick(descriptors)} ${brand()} ${pick(industries)}`;
    else if (roll < 0.8) core = `${pick(surnames)} & ${pick(surnames)} ${pick(industries)}`;
    else if (roll < 0.92) core = `${pick(surnames)} ${brand()}`;
    else if (roll < 0.97) core = `${brand()} ${pick(industries)} ${pick(cities)}`;
    else core = `${pick(descriptors)} ${pick(industries)} ${pick(cities)}`;
    const name = random() < 0.9 ? `${core} ${pick(country.forms)}` : core;
    return { name, core, country };
  };
}

export function domainFor(core: string, country: CountryStyle, used: Set<string>): string {
  const label = core
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '');
  let domain = `${label}.${country.tld}`;
  for (let n = 2; used.has(domain); n++) domain = `${label}${n}.${country.tld}`;
  used.add(domain);
  return domain;
}

/** Realistic ways a partner types a customer that is already known. */
export function variantOf(
  record: KnownCustomerRecord,
  random: () => number,
): { customerName: string; customerDomain: string | null } {
  const name = record.customerName;
  const roll = random();
  const withoutForm = name.replace(
    /\s+(Inc\.?|LLC|Corp\.?|Corporation|Ltd\.?|Limited|PLC|GmbH( & Co\. KG)?|AG|SE|SAS?|SARL|S\.A\.|S\.p\.A\.|S\.r\.l\.|SpA|S\.L\.|SL|B\.V\.|N\.V\.|BV|AB( \(publ\))?|Oyj?|A\/S|ApS|ASA?|K\.K\.|Co\., Ltd\.|Pty\.? Ltd\.?|Pte\.? Ltd\.?|Ltda\.|Sp\. z o\.o\.|Pvt\. Ltd\.|Private Limited)$/,
    '',
  );
  let company: string;
  if (roll < 0.2) company = `${withoutForm.toUpperCase()} LIMITED`;
  else if (roll < 0.4) company = withoutForm.replace(/&/g, 'and');
  else if (roll < 0.6) {
    // One typo: two neighbouring letters swapped inside the longest word.
    const words = withoutForm.split(' ');
    const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
    const at = 1 + Math.floor(random() * Math.max(1, longest.length - 3));
    const typo =
      longest.length > 4 ? longest.slice(0, at) + longest[at + 1] + longest[at] + longest.slice(at + 2) : longest;
    company = words.map((w) => (w === longest ? typo : w)).join(' ');
  } else if (roll < 0.8) company = withoutForm.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  else company = `${withoutForm}, Inc.`;
  const domain =
    record.customerDomain && random() < 0.5
      ? `https://www.${random() < 0.5 ? 'eu.' : ''}${record.customerDomain}/contact`
      : null;
  return { customerName: company, customerDomain: domain };
}
