import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  customerDomainKey,
  isFreeMailDomain,
  normaliseCompanyName,
  normaliseCountry,
  normaliseDomain,
  registrableDomain,
} from '../normalise.ts';

describe('company names', () => {
  it('ignores case, punctuation and legal forms in many languages', () => {
    const cases: Array<[string, string]> = [
      ['Acme, Inc.', 'acme'],
      ['ACME CORPORATION', 'acme'],
      ['Fiat S.p.A.', 'fiat'],
      ['Maersk A/S', 'maersk'],
      ['Sony K.K.', 'sony'],
      ['Philips N.V.', 'philips'],
      ['Nordwind Logistik GmbH & Co. KG', 'nordwind logistik'],
      ['Atlassian Pty. Ltd.', 'atlassian'],
      ['Grab Holdings Pte. Ltd.', 'grab holdings'],
      ['Nokia Oyj', 'nokia'],
      ['Volvo Car AB (publ)', 'volvo car'],
      ['Kowalski Sp. z o.o.', 'kowalski'],
      ['Grupo Bimbo, S.A.B. de C.V.', 'grupo bimbo'],
      ['PT Bank Central Asia Tbk', 'bank central asia'],
    ];
    for (const [input, expected] of cases) assert.equal(normaliseCompanyName(input), expected, input);
  });

  it('folds accents and ligatures so Nestlé, Ørsted and Müller meet their plain spellings', () => {
    assert.equal(normaliseCompanyName('Nestlé S.A.'), normaliseCompanyName('NESTLE'));
    assert.equal(normaliseCompanyName('Ørsted A/S'), 'orsted');
    assert.equal(normaliseCompanyName('Müller & Söhne'), 'muller sohne');
    assert.equal(normaliseCompanyName('Straße AG'), 'strasse');
  });

  it('reads "&", "+" and "and" as the same word', () => {
    assert.equal(normaliseCompanyName('Johnson & Johnson'), normaliseCompanyName('Johnson and Johnson'));
    assert.equal(normaliseCompanyName('Marks+Spencer'), normaliseCompanyName('Marks and Spencer'));
  });

  it('keeps a name that is nothing but a legal form, rather than erasing the company', () => {
    assert.equal(normaliseCompanyName('AG'), 'ag');
    assert.notEqual(normaliseCompanyName('Inc.'), '');
  });

  it('drops a leading article but keeps the words that identify the company', () => {
    assert.equal(normaliseCompanyName('The Home Depot, Inc.'), 'home depot');
  });

  it('is idempotent: normalising a normalised name changes nothing', () => {
    const fragment = fc.constantFrom(
      'Acme',
      'the',
      'The',
      '&',
      'and',
      'S.p.A.',
      'Inc.',
      'GmbH',
      'Co.',
      'A/S',
      'Ørsted',
      'Müller',
      'K.K.',
      'Pty',
      'Ltd',
      ' ',
      ',',
      '.',
      '-',
      'x',
      'ß',
      'PT',
      'ooo',
    );
    const name = fc.oneof(
      fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join(' ')),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
    );
    fc.assert(
      fc.property(name, (input) => {
        const once = normaliseCompanyName(input);
        assert.equal(normaliseCompanyName(once), once);
      }),
      { numRuns: 300 },
    );
  });
});

describe('domains', () => {
  it('reduces URLs, e-mail addresses and subdomains to the registrable domain', () => {
    assert.equal(registrableDomain('https://www.Acme.com/about?x=1'), 'acme.com');
    assert.equal(registrableDomain('eu.shop.acme.com'), 'acme.com');
    assert.equal(registrableDomain('jana@sales.acme.de'), 'acme.de');
    assert.equal(registrableDomain('mail.acme.co.uk'), 'acme.co.uk');
    assert.equal(registrableDomain('acme.com.au'), 'acme.com.au');
    assert.equal(registrableDomain('acme.com.'), 'acme.com');
  });

  it('turns internationalised domains into their ASCII form so both spellings meet', () => {
    assert.equal(normaliseDomain('müller.de'), normaliseDomain('xn--mller-kva.de'));
  });

  it('rejects what is not a host name', () => {
    for (const input of ['', 'localhost', 'not a domain.com', 'acme', '-acme.com', 'acme.c0m', 'http://']) {
      assert.equal(normaliseDomain(input), null, input);
    }
  });

  it('recognises free-mail providers, regional variants and subdomains included, and never keys a customer on them', () => {
    for (const input of [
      'gmail.com',
      'someone@googlemail.com',
      'yahoo.co.uk',
      'mail.yahoo.co.jp',
      'outlook.com',
      'web.de',
      'proton.me',
    ]) {
      assert.equal(isFreeMailDomain(input), true, input);
      assert.equal(customerDomainKey(input), null, input);
    }
    assert.equal(isFreeMailDomain('acme.com'), false);
    assert.equal(customerDomainKey('jana@acme.com'), 'acme.com');
  });

  it('is idempotent on domains', () => {
    fc.assert(
      fc.property(fc.domain(), (domain) => {
        const once = registrableDomain(domain);
        if (once !== null) assert.equal(registrableDomain(once), once);
      }),
      { numRuns: 200 },
    );
  });
});

describe('countries', () => {
  it('treats common names and codes of a country as one', () => {
    assert.equal(normaliseCountry('United States'), normaliseCountry('USA'));
    assert.equal(normaliseCountry('Deutschland'), 'de');
    assert.equal(normaliseCountry(' de '), 'de');
    assert.equal(normaliseCountry(''), null);
  });
});
