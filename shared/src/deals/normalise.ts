/**
 * Customer identity for conflict detection: company names reduced to the words that tell companies
 * apart, web and e-mail domains reduced to the registrable domain, free-mail providers recognised.
 * Everything here is pure and idempotent: normalising a normalised value changes nothing.
 */

/**
 * Legal forms, in many languages, after punctuation is removed ("S.p.A." → "spa", "A/S" → "as").
 * They say nothing about which company is meant, so they never count towards a match.
 */
const legalForms = new Set([
  // English-speaking
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'cos',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'plc',
  'pty',
  'pte',
  'pvt',
  'private',
  'pl',
  'lc',
  'pc',
  'pllc',
  'dba',
  'na',
  'nv',
  'bv',
  'bvba',
  'cv',
  // German, Austrian, Swiss, Dutch
  'gmbh',
  'ag',
  'kg',
  'kgaa',
  'ohg',
  'ug',
  'ev',
  'eg',
  'se',
  'gesmbh',
  'mbh',
  'vof',
  // French, Belgian, Luxembourg
  'sa',
  'sas',
  'sasu',
  'sarl',
  'eurl',
  'sca',
  'snc',
  'sprl',
  'srl',
  'scrl',
  // Italian, Spanish, Portuguese, Latin America
  'spa',
  'sapa',
  'scarl',
  'sl',
  'slu',
  'sau',
  'lda',
  'ltda',
  'sociedad',
  'anonima',
  'cia',
  'eireli',
  'sab',
  'de',
  'rl',
  // Nordic
  'ab',
  'publ',
  'oy',
  'oyj',
  'as',
  'asa',
  'aps',
  'hf',
  'ehf',
  // Central and Eastern Europe, Turkey, Greece
  'sro',
  'zoo',
  'sp',
  'z',
  'kft',
  'zrt',
  'nyrt',
  'bt',
  'doo',
  'dd',
  'ad',
  'ood',
  'eood',
  'oo',
  'sia',
  'uab',
  'ou',
  'tov',
  'pao',
  'oao',
  'zao',
  'ooo',
  'ao',
  'sti',
  'ltdsti',
  'ae',
  'epe',
  'ike',
  // Asia-Pacific, Middle East, Africa
  'kk',
  'yk',
  'gk',
  'tbk',
  'pt',
  'bhd',
  'sdn',
  'berhad',
  'jsc',
  'pjsc',
  'wll',
  'fze',
  'fzco',
  'fzllc',
  'llc',
  'saog',
  'saoc',
  'cjsc',
  'ojsc',
  'jv',
  '株式会社',
  '有限会社',
  '合同会社',
  // the same forms spelt out
  'aktiengesellschaft',
  'gesellschaft',
  'haftung',
  'beschrankter',
  'mit',
  'kommanditgesellschaft',
  'public',
  'kaisha',
  'kabushiki',
  'yugen',
  'godo',
  'anonyme',
  'aktiebolag',
  'osakeyhtio',
  'aksjeselskap',
  // a web ending written into the name ("Amazon.com, Inc.") names the same company as without it
  'com',
  'net',
]);

/**
 * Legal forms that come before the name in some countries ("PT Bank Central Asia", "OOO Romashka").
 * Only these are stripped from the front; "SA Recycling" keeps its "sa" because "sa" is not here.
 */
const leadingLegalForms = new Set([
  'kabushiki',
  'kaisha',
  'pt',
  'ooo',
  'oao',
  'zao',
  'pao',
  'ao',
  'tov',
  'cv',
  'jsc',
  'pjsc',
  '株式会社',
  '有限会社',
  '合同会社',
]);

/** Articles that start a name without identifying it ("The Home Depot" is "Home Depot"). */
const leadingArticles = new Set(['the']);

/** Spelling variants of the same word; each maps to one canonical spelling. */
const canonicalWords: Record<string, string> = {
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

/** Letters that Unicode decomposition does not reduce to ASCII. */
const foldedLetters: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ŀ: 'l',
  ĸ: 'k',
};

/** Lower case, accents and ligatures folded, "&" and "+" read as "and". */
function foldCharacters(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþıŀĸ]/g, (letter) => foldedLetters[letter] ?? letter)
    .replace(/[&+]/g, ' and ');
}

/**
 * Joins dotted or slashed single letters so an abbreviation becomes one word: "S.p.A." → "spa",
 * "K.K." → "kk", "A/S" → "as", "U.S. Steel" → "us steel". Apostrophes vanish ("McDonald's" → "mcdonalds").
 */
function joinAbbreviations(folded: string): string {
  return folded
    .replace(/['’`´]/g, '')
    .replace(/(?<![\p{L}\p{N}])(?:[\p{L}\p{N}][./](?=[\p{L}\p{N}][./]?(?![\p{L}\p{N}])))+[\p{L}\p{N}][./]?/gu, (abbr) =>
      abbr.replace(/[./]/g, ''),
    );
}

/** The words of a company name that identify it, in order, canonical spelling, legal forms removed. */
export function companyNameTokens(name: string): string[] {
  const words = joinAbbreviations(foldCharacters(name))
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && word !== 'and')
    .map((word) => canonicalWords[word] ?? word);
  // Strip from both ends until nothing more comes off, always keeping one word: a company called
  // just "AG" or "The Co" is still a name.
  let changed = true;
  while (changed && words.length > 1) {
    changed = false;
    const last = words[words.length - 1];
    if (legalForms.has(last)) {
      words.pop();
      changed = true;
      continue;
    }
    const first = words[0];
    if (leadingArticles.has(first) || leadingLegalForms.has(first)) {
      words.shift();
      changed = true;
    }
  }
  return words;
}

/** The comparable form of a company name: "Müller & Söhne GmbH" → "muller sohne". */
export function normaliseCompanyName(name: string): string {
  return companyNameTokens(name).join(' ');
}

/** The name without spaces, so "Micro Soft" and "Microsoft" meet. */
export function compactCompanyName(name: string): string {
  return companyNameTokens(name).join('');
}

/**
 * Second-level labels under which country registries sell names ("acme.co.uk", "acme.com.au").
 * A heuristic in place of the full Public Suffix List, which would be a large data file in every host.
 */
const secondLevelRegistries = new Set([
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

/**
 * A host name from anything a person might type: "https://www.Acme.com/about", "acme.com.", "WWW.ACME.COM",
 * an e-mail address, or an internationalised name (returned in its ASCII, punycode form). Null when it
 * is not a plausible host name.
 */
export function normaliseDomain(input: string | null | undefined): string | null {
  if (input == null) return null;
  let text = input.trim().toLowerCase();
  if (text === '') return null;
  const at = text.lastIndexOf('@');
  if (at >= 0) text = text.slice(at + 1);
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  text = text
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/\.+$/, '');
  if (text === '' || /\s/.test(text)) return null;
  let host: string;
  try {
    host = new URL(`http://${text}`).hostname;
  } catch {
    return null;
  }
  host = host.replace(/^www\d*\./, '');
  const labels = host.split('.');
  if (labels.length < 2) return null;
  const labelPattern = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  if (!labels.every((label) => labelPattern.test(label))) return null;
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]+)$/.test(labels[labels.length - 1])) return null;
  return host;
}

/**
 * The domain a company registers: "eu.shop.acme.com" → "acme.com", "mail.acme.co.uk" → "acme.co.uk".
 * Subdomains of one company therefore meet at the same key.
 */
export function registrableDomain(input: string | null | undefined): string | null {
  const host = normaliseDomain(input);
  if (host === null) return null;
  const labels = host.split('.');
  const tld = labels[labels.length - 1];
  const second = labels[labels.length - 2];
  const keep = tld.length === 2 && secondLevelRegistries.has(second) && labels.length >= 3 ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/** The label a company chose, without its registry: "acme.co.uk" → "acme". */
export function domainLabel(registrable: string): string {
  const dot = registrable.indexOf('.');
  return dot < 0 ? registrable : registrable.slice(0, dot);
}

/**
 * Mailbox providers anyone can sign up to. A shared gmail.com says nothing about the customer, so these
 * never count as a domain match. Matched on the registrable domain, so regional variants are listed.
 */
const freeMailDomains = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.co.jp',
  'yahoo.fr',
  'yahoo.de',
  'yahoo.es',
  'yahoo.it',
  'yahoo.com.br',
  'yahoo.co.in',
  'ymail.com',
  'rocketmail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'hotmail.it',
  'hotmail.es',
  'outlook.com',
  'outlook.fr',
  'outlook.de',
  'live.com',
  'live.co.uk',
  'live.fr',
  'msn.com',
  'passport.com',
  'aol.com',
  'aim.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'tutanota.com',
  'tuta.io',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'gmx.at',
  'gmx.ch',
  'web.de',
  't-online.de',
  'freenet.de',
  'mail.com',
  'email.com',
  'mail.ru',
  'inbox.ru',
  'list.ru',
  'bk.ru',
  'yandex.ru',
  'yandex.com',
  'ya.ru',
  'rambler.ru',
  'qq.com',
  '163.com',
  '126.com',
  'yeah.net',
  'sina.com',
  'sohu.com',
  'naver.com',
  'daum.net',
  'hanmail.net',
  'zoho.com',
  'zohomail.com',
  'fastmail.com',
  'fastmail.fm',
  'hey.com',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'sfr.fr',
  'libero.it',
  'virgilio.it',
  'tiscali.it',
  'alice.it',
  'seznam.cz',
  'centrum.cz',
  'wp.pl',
  'o2.pl',
  'onet.pl',
  'interia.pl',
  'rediffmail.com',
  'bol.com.br',
  'uol.com.br',
  'terra.com.br',
  'btinternet.com',
  'sky.com',
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'bigpond.com',
  'optusnet.com.au',
  'shaw.ca',
  'rogers.com',
  'telus.net',
  'xtra.co.nz',
  'hushmail.com',
  'mailfence.com',
  'posteo.de',
]);

/** True for gmail.com, mail.yahoo.co.uk and the like; false for anything not a host name. */
export function isFreeMailDomain(input: string | null | undefined): boolean {
  const registrable = registrableDomain(input);
  return registrable !== null && freeMailDomains.has(registrable);
}

/** The registrable domain that can identify a customer, or null (missing, malformed or free-mail). */
export function customerDomainKey(input: string | null | undefined): string | null {
  const registrable = registrableDomain(input);
  return registrable !== null && !freeMailDomains.has(registrable) ? registrable : null;
}

const countryAliases: Record<string, string> = {
  usa: 'us',
  'united states': 'us',
  'united states of america': 'us',
  america: 'us',
  uk: 'gb',
  'united kingdom': 'gb',
  'great britain': 'gb',
  england: 'gb',
  scotland: 'gb',
  wales: 'gb',
  germany: 'de',
  deutschland: 'de',
  france: 'fr',
  spain: 'es',
  espana: 'es',
  italy: 'it',
  italia: 'it',
  netherlands: 'nl',
  'the netherlands': 'nl',
  holland: 'nl',
  nederland: 'nl',
  belgium: 'be',
  switzerland: 'ch',
  schweiz: 'ch',
  suisse: 'ch',
  austria: 'at',
  osterreich: 'at',
  sweden: 'se',
  sverige: 'se',
  norway: 'no',
  norge: 'no',
  denmark: 'dk',
  danmark: 'dk',
  finland: 'fi',
  suomi: 'fi',
  poland: 'pl',
  polska: 'pl',
  portugal: 'pt',
  ireland: 'ie',
  japan: 'jp',
  nippon: 'jp',
  china: 'cn',
  india: 'in',
  brazil: 'br',
  brasil: 'br',
  mexico: 'mx',
  canada: 'ca',
  australia: 'au',
  'new zealand': 'nz',
  singapore: 'sg',
  'south africa': 'za',
  'south korea': 'kr',
  korea: 'kr',
  'czech republic': 'cz',
  czechia: 'cz',
  turkey: 'tr',
  turkiye: 'tr',
  russia: 'ru',
  'united arab emirates': 'ae',
  uae: 'ae',
  indonesia: 'id',
  malaysia: 'my',
  argentina: 'ar',
  chile: 'cl',
  colombia: 'co',
  israel: 'il',
  greece: 'gr',
  hungary: 'hu',
  romania: 'ro',
};

/** "United States", "USA", "us" → "us"; anything unknown is kept folded so equal spellings still meet. */
export function normaliseCountry(input: string | null | undefined): string | null {
  if (input == null) return null;
  const folded = foldCharacters(input)
    .replace(/[^\p{L}\p{N} ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (folded === '') return null;
  return countryAliases[folded] ?? folded;
}
