/**
 * Calibrated verdicts (issue 23): `conflict` only on strong evidence, `possible` where a person should
 * look, with the reason that decided; word rarity among the known customers; short forms and initials;
 * the country as evidence. Each on the index and, where the answer depends on the known customers, on
 * the plain scan, which must agree.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkConflictsByScan, type ConflictSubject, type KnownCustomerRecord } from '../conflicts.ts';
import { checkConflict, createConflictIndex, indexedEntries, upsertRecord } from '../conflictIndex.ts';
import { now } from './data/registrations.ts';

function known(...records: (Omit<KnownCustomerRecord, 'id' | 'kind'> & { id?: string })[]) {
  const index = createConflictIndex();
  records.forEach((record, i) => upsertRecord(index, { id: `c-${i}`, kind: 'customer', ...record }));
  return index;
}

/** The verdict from the index, checked against the plain scan over the same records. */
function verdictOf(index: ReturnType<typeof known>, subject: Omit<ConflictSubject, 'id'>) {
  const probe = { id: 'probe', ...subject };
  const decision = checkConflict(index, probe, now);
  const scan = checkConflictsByScan(probe, indexedEntries(index), now);
  assert.equal(scan.verdict, decision.verdict, `scan and index agree on ${subject.customerName}`);
  assert.equal(scan.match?.id ?? null, decision.match?.id ?? null);
  return decision;
}

/** Known customers enough for word counts to mean something: 200 credit unions and banks. */
function crowd(): (Omit<KnownCustomerRecord, 'id' | 'kind'> & { id?: string })[] {
  const places = [
    'Harlow',
    'Brenton',
    'Quarry',
    'Maple',
    'Juniper',
    'Oakridge',
    'Silvan',
    'Tamsin',
    'Vexley',
    'Wrenfield',
  ];
  const kinds = ['Federal Credit Union', 'Savings Bank', 'Community Bank', 'Credit Union'];
  const records: (Omit<KnownCustomerRecord, 'id' | 'kind'> & { id?: string })[] = [];
  for (let i = 0; i < 200; i++)
    records.push({
      id: `crowd-${i}`,
      customerName: `${places[i % places.length]}${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)} ${kinds[i % kinds.length]}`,
      customerCountry: 'US',
    });
  return records;
}

describe('calibrated verdicts', () => {
  it('does not call one letter apart in a short distinctive word a conflict, nor even a possible one', () => {
    for (const [held, incoming] of [
      ['Zerin Technology', 'Zerim Technology'],
      ['Brontel Inc', 'Brontal Inc'],
    ]) {
      const index = known({ customerName: held, customerCountry: 'DE' });
      const decision = verdictOf(index, { customerName: incoming, customerCountry: 'DE' });
      assert.equal(decision.verdict, 'none', `${held} and ${incoming}`);
    }
  });

  it('still finds a slip in a long word, a conflict where the country agrees and possible without it', () => {
    const index = known({ customerName: 'Scotia Investments Jamaica', customerCountry: 'JM' });
    assert.equal(
      verdictOf(index, { customerName: 'Scotia Invesrments Jamaica', customerCountry: 'JM' }).verdict,
      'conflict',
    );
    const unsure = verdictOf(index, { customerName: 'Scotia Invesrments Jamaica' });
    assert.equal(unsure.verdict, 'possible');
    assert.ok(
      unsure.reasons.some((r) => r.includes('no country or domain to confirm it')),
      unsure.reasons.join('; '),
    );
  });

  it('does not take the same words in another order for the same name', () => {
    const index = known({ customerName: 'Nordhaven Logistics Systems', customerCountry: 'NO' });
    const decision = verdictOf(index, { customerName: 'Systems Logistics Nordhaven', customerCountry: 'NO' });
    assert.notEqual(decision.verdict, 'conflict');
  });

  it('sends the same name in another country to a person, saying so, unless the domain agrees', () => {
    const index = known({ customerName: 'Banner Bank', customerCountry: 'US', customerDomain: 'bannerbank.com' });
    const elsewhere = verdictOf(index, { customerName: 'Banner Bank', customerCountry: 'GB' });
    assert.equal(elsewhere.verdict, 'possible');
    assert.match(elsewhere.reasons[1], /same name in another country \(GB and US\)/);
    assert.equal(
      verdictOf(index, { customerName: 'Banner Bank', customerCountry: 'GB', customerDomain: 'bannerbank.co.uk' })
        .verdict,
      'conflict',
    );
    assert.equal(verdictOf(index, { customerName: 'Banner Bank', customerCountry: 'US' }).verdict, 'conflict');
  });

  it('finds a brand short form, its distinctive leading word, either way round, as possible', () => {
    const index = known(...crowd(), { id: 'kavelmark', customerName: 'Kavelmark Home & Garden Stores' });
    const short = verdictOf(index, { customerName: 'Kavelmark' });
    assert.equal(short.verdict, 'possible');
    assert.equal(short.match?.id, 'kavelmark');
    assert.match(short.reasons[1], /short form/);
    const reverse = known(...crowd(), { id: 'kavelmark', customerName: 'Kavelmark' });
    assert.equal(verdictOf(reverse, { customerName: 'Kavelmark Home & Garden Stores' }).match?.id, 'kavelmark');
  });

  it('does not take a common leading word for a short form', () => {
    // 'Harlowa0' and its kin are rare; a word two hundred known customers share is not.
    const records = crowd().map((record, i) => ({ ...record, customerName: `Meridian ${record.customerName} ${i}` }));
    const index = known(...records);
    assert.equal(verdictOf(index, { customerName: 'Meridian' }).verdict, 'none');
  });

  it('finds initials against the distinctive words as possible', () => {
    const index = known(...crowd(), { id: 'osk', customerName: 'Ostmark Sparkasse Kiel' });
    const decision = verdictOf(index, { customerName: 'OSK' });
    assert.equal(decision.verdict, 'possible');
    assert.equal(decision.match?.id, 'osk');
  });

  it('weighs a shared word by its rarity among the known customers: a common one is no evidence', () => {
    const few = known({ customerName: 'ESL Federal Credit Union', customerCountry: 'US' });
    assert.equal(
      verdictOf(few, { customerName: 'Navy Federal Credit Union', customerCountry: 'US' }).verdict,
      'possible',
    );
    const many = known(...crowd(), { customerName: 'ESL Federal Credit Union', customerCountry: 'US' });
    assert.equal(verdictOf(many, { customerName: 'Navy Federal Credit Union', customerCountry: 'US' }).verdict, 'none');
    // Rare shared words still are: names that differ only in a common word ask for a person.
    const rare = known(...crowd(), { customerName: 'Quillfeather Vantress Partners', customerCountry: 'US' });
    assert.equal(
      verdictOf(rare, { customerName: 'Quillfeather Vantress Holdings', customerCountry: 'US' }).verdict,
      'possible',
    );
  });
});
