import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  boundedEditDistance,
  checkConflictsByScan,
  compareCustomers,
  matchThresholds,
  namedAccountAsKnown,
  prepareCustomer,
  registrationAsKnown,
  type KnownCustomerRecord,
} from '../conflicts.ts';
import {
  candidateSlots,
  checkConflict,
  createConflictIndex,
  indexedEntries,
  indexedRecordCount,
  removeRecord,
  scoreCandidates,
  upsertRecord,
  wordCandidatesByScan,
} from '../conflictIndex.ts';
import { seededRandom } from '../../seededRandom.ts';
import { now } from './data/registrations.ts';

const protectedRegistration: KnownCustomerRecord = {
  id: 'reg-9',
  kind: 'registration',
  customerName: 'Nordwind Logistik GmbH',
  customerDomain: 'nordwind-logistik.de',
  customerCountry: 'DE',
  partner: 'partner-b',
  status: 'approved',
  submittedAt: '2026-10-01T10:00:00.000Z',
  protectionEndsAt: '2026-12-30T10:00:00.000Z',
};

function knownCustomersIndex(...records: KnownCustomerRecord[]) {
  const index = createConflictIndex();
  for (const record of records) upsertRecord(index, record);
  return index;
}

const subject = {
  id: 'reg-new',
  partner: 'partner-a',
  submittedAt: now,
  customerName: 'NORDWIND LOGISTIK',
  customerDomain: null,
  customerCountry: 'Germany',
};

describe('conflict verdicts', () => {
  it("gives conflict for a customer another partner's registration protects, naming the record and why", () => {
    const decision = checkConflict(knownCustomersIndex(protectedRegistration), subject, now);
    assert.equal(decision.verdict, 'conflict');
    assert.equal(decision.match?.id, 'reg-9');
    assert.match(decision.reasons[0], /protected until 2026-12-30/);
    assert.ok(decision.reasons.some((r) => r.includes('nordwind logistik')));
  });

  it('gives none once that protection has lapsed', () => {
    const lapsed = { ...protectedRegistration, protectionEndsAt: '2026-11-26T08:59:59.999Z' };
    assert.equal(checkConflict(knownCustomersIndex(lapsed), subject, now).verdict, 'none');
  });

  it('matches web and e-mail domains including subdomains, whatever the names say', () => {
    const decision = checkConflict(
      knownCustomersIndex(protectedRegistration),
      {
        ...subject,
        customerName: 'NWL Freight Services',
        customerDomain: 'https://shop.eu.nordwind-logistik.de/kontakt',
      },
      now,
    );
    assert.equal(decision.verdict, 'conflict');
    assert.ok(decision.reasons.some((r) => r.includes('nordwind-logistik.de')));
  });

  it('never matches on a free-mail domain', () => {
    const gmailCustomer: KnownCustomerRecord = {
      id: 'c-1',
      kind: 'customer',
      customerName: 'Zephyr Bakery',
      customerContactEmail: 'owner@gmail.com',
    };
    const decision = checkConflict(
      knownCustomersIndex(gmailCustomer),
      { id: 's', customerName: 'Harbor Dental Clinic', customerContactEmail: 'info@gmail.com' },
      now,
    );
    assert.equal(decision.verdict, 'none');
  });

  it('gives conflict for a named account while it is reserved, and none after its last day', () => {
    const named: KnownCustomerRecord = {
      id: 'na-1',
      kind: 'namedAccount',
      customerName: 'Nordwind Logistik',
      reservedUntil: '2026-11-26',
      accountOwner: 'Sam Direct',
    };
    const reserved = checkConflict(knownCustomersIndex(named), subject, now);
    assert.equal(reserved.verdict, 'conflict');
    assert.match(reserved.reasons[0], /direct sales team \(owner: Sam Direct\)/);
    assert.equal(
      checkConflict(knownCustomersIndex({ ...named, reservedUntil: '2026-11-25' }), subject, now).verdict,
      'none',
    );
  });

  it('gives conflict for an open opportunity in the vendor pipeline and none for a closed one', () => {
    const opportunity: KnownCustomerRecord = {
      id: 'opp-1',
      kind: 'opportunity',
      customerName: 'Nordwind Logistik AG',
      open: true,
    };
    assert.equal(checkConflict(knownCustomersIndex(opportunity), subject, now).verdict, 'conflict');
    assert.equal(checkConflict(knownCustomersIndex({ ...opportunity, open: false }), subject, now).verdict, 'none');
  });

  it('gives possible, not conflict, when a similar but not identical name is held', () => {
    const held: KnownCustomerRecord = { id: 'c-2', kind: 'customer', customerName: 'Nordwind Logistik Holding' };
    const decision = checkConflict(
      knownCustomersIndex(held),
      { id: 's', customerName: 'Nordwind Logistik Hamburg' },
      now,
    );
    assert.equal(decision.verdict, 'possible');
    assert.match(decision.reasons[0], /a person should look/);
  });

  it('does not confuse different companies with similar names', () => {
    const apple: KnownCustomerRecord = {
      id: 'c-apple',
      kind: 'customer',
      customerName: 'Apple Inc.',
      customerDomain: 'apple.com',
    };
    const delta: KnownCustomerRecord = {
      id: 'c-delta',
      kind: 'customer',
      customerName: 'Delta Air Lines, Inc.',
      customerDomain: 'delta.com',
    };
    const index = knownCustomersIndex(apple, delta);
    assert.equal(
      checkConflict(index, { id: 's1', customerName: 'Applied Materials', customerDomain: 'appliedmaterials.com' }, now)
        .verdict,
      'none',
    );
    assert.equal(checkConflict(index, { id: 's2', customerName: 'Delta Dental' }, now).verdict, 'none');
  });

  it("flags a partner's own earlier registration as a possible duplicate, not a conflict", () => {
    const own = { ...protectedRegistration, partner: 'partner-a' };
    const decision = checkConflict(knownCustomersIndex(own), subject, now);
    assert.equal(decision.verdict, 'possible');
    assert.match(decision.reasons[0], /your own registration/);
  });

  it('lets an earlier pending submission win over a later one: the first valid registration wins', () => {
    const pending: KnownCustomerRecord = {
      ...protectedRegistration,
      status: 'submitted',
      protectionEndsAt: null,
      submittedAt: '2026-11-26T08:00:00.000Z',
    };
    assert.equal(checkConflict(knownCustomersIndex(pending), subject, now).verdict, 'conflict');
    const later = { ...pending, submittedAt: '2026-11-26T09:30:00.000Z' };
    assert.equal(checkConflict(knownCustomersIndex(later), subject, now).verdict, 'none');
  });

  it('lowers the score when the countries differ', () => {
    const a = prepareCustomer({ customerName: 'Acme Robotics', customerCountry: 'US' });
    const b = prepareCustomer({ customerName: 'Acme Robotics', customerCountry: 'DE' });
    const scored = compareCustomers(a, b, true);
    assert.ok(scored.score < 1);
    assert.ok(scored.reasons.some((r) => r.includes('countries differ')));
  });
});

describe('conflict index', () => {
  it('is updated incrementally as records are added, changed and removed', () => {
    const index = createConflictIndex();
    upsertRecord(index, protectedRegistration);
    assert.equal(checkConflict(index, subject, now).verdict, 'conflict');
    upsertRecord(index, {
      ...protectedRegistration,
      customerName: 'Blue Harbor Foods',
      customerDomain: 'blueharbor.example',
    });
    assert.equal(indexedRecordCount(index), 1);
    assert.equal(checkConflict(index, subject, now).verdict, 'none');
    assert.equal(checkConflict(index, { id: 's', customerName: 'Blue Harbour Foods' }, now).verdict, 'conflict');
    removeRecord(index, protectedRegistration.id);
    assert.equal(indexedRecordCount(index), 0);
    assert.equal(checkConflict(index, { id: 's', customerName: 'Blue Harbor Foods' }, now).verdict, 'none');
  });

  it('finds one-typo variants of a distinctive word', () => {
    const index = knownCustomersIndex({ id: 'c-1', kind: 'customer', customerName: 'Quintronex Analytics' });
    assert.equal(checkConflict(index, { id: 's', customerName: 'Quintornex Analytics Ltd' }, now).verdict, 'conflict');
  });

  it('keeps finding typos of names indexed before and after its word filter grows', () => {
    const index = createConflictIndex();
    upsertRecord(index, { id: 'c-first', kind: 'customer', customerName: 'Quintronex Analytics' });
    const smallFilter = index.wordFilter.length;
    for (let i = 0; i < 5000; i++)
      upsertRecord(index, { id: `c-${i}`, kind: 'customer', customerName: `Filler${i.toString(36)}word Holdings` });
    upsertRecord(index, { id: 'c-last', kind: 'customer', customerName: 'Zephyrion Robotics' });
    assert.ok(index.wordFilter.length > smallFilter, `${index.wordFilter.length} > ${smallFilter}`);
    assert.equal(index.wordFilter.length, 2 ** index.filterBits);
    for (const [company, match] of [
      ['Quintornex Analytics Ltd', 'c-first'],
      ['Zephyrino Robotics', 'c-last'],
      ['Quintronex Analytcs', 'c-first'],
    ]) {
      const decision = checkConflict(index, { id: 's', customerName: company }, now);
      assert.equal(decision.match?.id, match, company);
    }
  });

  it('finds initials only as possible matches', () => {
    const index = knownCustomersIndex({ id: 'c-1', kind: 'customer', customerName: 'International Business Machines' });
    assert.equal(checkConflict(index, { id: 's', customerName: 'IBM' }, now).verdict, 'possible');
  });

  it('gives the same verdict and match as a linear scan with the same scorer', () => {
    const words = [
      'Nordwind',
      'Nordwnid',
      'Blue',
      'Harbor',
      'Harbour',
      'Logistik',
      'Logistics',
      'Foods',
      'Acme',
      'Acne',
      'Quintronex',
      'Delta',
      'Dental',
      'Air',
      'Lines',
      'Systems',
      'Group',
      'Zephyr',
      'Zephir',
    ];
    const forms = ['', 'GmbH', 'Inc.', 'S.A.', 'Ltd', 'AB'];
    const name = fc
      .tuple(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }), fc.constantFrom(...forms))
      .map(([w, f]) => `${w.join(' ')} ${f}`.trim());
    const domain = fc.option(fc.constantFrom('nordwind.de', 'eu.nordwind.de', 'acme.com', 'gmail.com', 'zephyr.io'), {
      nil: null,
    });
    const record = fc.record({
      customerName: name,
      customerDomain: domain,
      kind: fc.constantFrom('customer' as const, 'opportunity' as const, 'namedAccount' as const),
    });
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 25 }),
        fc.record({ customerName: name, customerDomain: domain }),
        (records, incoming) => {
          const index = createConflictIndex();
          records.forEach((r, i) => upsertRecord(index, { ...r, id: `k${i}` }));
          const probe = { ...incoming, id: 'probe' };
          const fromIndex = checkConflict(index, probe, now);
          const fromScan = checkConflictsByScan(probe, indexedEntries(index), now);
          assert.equal(fromIndex.verdict, fromScan.verdict);
          assert.equal(fromIndex.match?.id ?? null, fromScan.match?.id ?? null);
          assert.equal(fromIndex.score, fromScan.score);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('conflict index pruning', () => {
  // Known customers numerous enough that several words hold far more than the 200 records above which a word list
  // may be skipped, with typo neighbours among the frequent words (Hansen, Jansen, Hanssen), records
  // removed and re-added (reused slots), and names of every length.
  const frequent = ['Hansen', 'Jansen', 'Novak'];
  const common = ['Foods', 'Systems', 'Group'];
  const rare = ['Hanssen', 'Novaks', 'Tanaca', 'Quintronex', 'Zephyr', 'Marinne', 'Marine', 'Delta', 'Of'];
  const syllables = ['ka', 'lo', 'mi', 'stra', 'ven', 'dor', 'qua', 'zel'];
  function crowdedName(random: () => number): string {
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    const words: string[] = [];
    const count = 1 + Math.floor(random() * 4);
    for (let i = 0; i < count; i++) {
      const roll = random();
      if (roll < 0.45) words.push(pick(frequent));
      else if (roll < 0.75) words.push(pick(common));
      else if (roll < 0.85) words.push(pick(rare));
      else words.push(pick(syllables) + pick(syllables) + pick(syllables));
    }
    return `${words.join(random() < 0.2 ? ' & ' : ' ')}${random() < 0.3 ? ' GmbH' : ''}`;
  }

  it('never drops a record that the word rule without pruning keeps, and scores like a linear scan', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const random = seededRandom(seed);
        const index = createConflictIndex();
        const size = 11_000 + Math.floor(random() * 3_000);
        for (let i = 0; i < size; i++) {
          upsertRecord(index, {
            id: `k${i}`,
            kind: 'customer',
            customerName: crowdedName(random),
            customerDomain: random() < 0.1 ? `d${Math.floor(random() * 50)}.example` : null,
          });
        }
        for (let i = 0; i < 300; i++) removeRecord(index, `k${Math.floor(random() * size)}`);
        for (let i = 0; i < 300; i++)
          upsertRecord(index, { id: `r${i}`, kind: 'customer', customerName: crowdedName(random) });
        const known = indexedEntries(index);
        const listed = (word: string) => {
          const posting = index.byWord.get(word);
          return typeof posting === 'object' ? posting.slots.length : 0;
        };
        assert.ok(listed('hansen') > 2_000 && listed('foods') > 2_000, 'frequent words are long enough to be skipped');
        for (let q = 0; q < 6; q++) {
          const probe = {
            id: `probe${q}`,
            customerName: crowdedName(random),
            customerDomain: random() < 0.2 ? `d${Math.floor(random() * 50)}.example` : null,
          };
          const prepared = prepareCustomer(probe);
          const found = candidateSlots(index, prepared);
          for (const slot of wordCandidatesByScan(index, prepared)) {
            assert.ok(found.has(slot), `"${probe.customerName}" lost "${index.entries[slot]!.record.customerName}"`);
          }
          // Whatever the index scores, it scores as the scan does; and every record the scan puts at or
          // above "possible" that the word rule keeps is among the index's results.
          const scan = new Map<string, number>();
          for (const entry of known) {
            const { score } = compareCustomers(prepared, entry.prepared);
            if (score >= matchThresholds.possible) scan.set(entry.record.id, score);
          }
          const fromIndex = new Map(scoreCandidates(index, prepared).map((s) => [s.record.id, s.score]));
          for (const [id, score] of fromIndex) assert.equal(scan.get(id), score);
          const kept = new Set(
            [...wordCandidatesByScan(index, prepared)].map((slot) => index.entries[slot]!.record.id),
          );
          for (const [id, score] of scan) if (kept.has(id)) assert.equal(fromIndex.get(id), score, id);
        }
      }),
      { numRuns: 8 },
    );
  });
});

describe('edit distance', () => {
  /** The textbook full-matrix optimal string alignment distance, as the reference. */
  function reference(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
      Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  }

  it('agrees with the full computation up to its limit, and reports limit + 1 beyond it', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, limit) => {
        const expected = reference(a, b);
        assert.equal(boundedEditDistance(a, b, limit), expected <= limit ? expected : limit + 1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a registration as a known customer', () => {
  const registration = {
    id: 'reg-1',
    customerName: 'Nordwind Logistik GmbH',
    customerDomain: 'nordwind-logistik.de',
    customerContactEmail: 'ops@nordwind-logistik.de',
    customerCountry: 'DE',
    partner: 'partner-b',
    status: 'approved' as const,
    submittedAt: '2026-10-01T10:00:00.000Z',
    protectionEndsAt: '2026-12-30T10:00:00.000Z',
  };

  it('is checked for the same customer it holds, and never conflicts with itself', () => {
    const index = knownCustomersIndex(registrationAsKnown(registration));
    assert.equal(checkConflict(index, registrationAsKnown(registration), now).verdict, 'none');
    const rival = {
      ...registration,
      id: 'reg-2',
      partner: 'partner-a',
      status: 'submitted' as const,
      submittedAt: now,
    };
    assert.equal(checkConflict(index, registrationAsKnown(rival), now).verdict, 'conflict');
  });

  it('reads a named account’s name and web site as the customer’s', () => {
    const account = namedAccountAsKnown({
      id: 'na-1',
      name: 'Nordwind Logistik GmbH',
      customerDomain: null,
      website: 'https://nordwind-logistik.de',
      country: 'DE',
      reservedUntil: null,
      accountOwner: 'u-seller',
    });
    assert.deepEqual(
      [account.customerName, account.customerDomain, account.customerCountry],
      ['Nordwind Logistik GmbH', 'https://nordwind-logistik.de', 'DE'],
    );
    assert.equal(checkConflict(knownCustomersIndex(account), subject, now).verdict, 'conflict');
  });
});
