/**
 * The demo program `npm start` shows a newcomer: tiers, about 50 partners around the world, a user for
 * every role, courses and certifications, registrations in every state, leads on offer, MDF budgets
 * and claims, business plans and NPS. Deterministic, so every fresh start looks the same. Written
 * through the same repository the API uses, so the demo obeys every rule the API does.
 */
import { prmObjects, objectNamed } from '@prm/core/schema/registry';
import { registrationStatuses } from '@prm/core/deals/schema';
import type { Role } from '@prm/core/schema/roles';
import { createRecord, writeUpdate, type Tx } from '../store/repository.ts';
import { createUser } from '../auth/identity.ts';
import type { Actor } from '../auth/policy.ts';
import type { DemoLogin } from '../http/rootPage.ts';
import { seededRandom as random } from '@prm/core/seededRandom';

const object = (name: string) => objectNamed(prmObjects, name);

const companyStems = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Litware',
  'Adatum',
  'Proseware',
  'Wingtip',
  'Lucerne',
  'Trey',
  'Alpine',
  'Blue Yonder',
  'Coho',
  'Humongous',
  'Margie',
  'Fourth Coffee',
  'Woodgrove',
  'Relecloud',
  'VanArsdel',
  'Wide World',
  'Datum',
  'Graphic Design',
  'Southridge',
  'Bellows',
  'Consolidated',
];
const suffixes: Array<[string, string, string, string, number, number]> = [
  // suffix, country, region, time zone, latitude, longitude
  ['GmbH', 'DE', 'Berlin', 'Europe/Berlin', 52.52, 13.4],
  ['Ltd', 'GB', 'London', 'Europe/London', 51.5, -0.12],
  ['Inc.', 'US', 'CA', 'America/Los_Angeles', 37.77, -122.42],
  ['LLC', 'US', 'NY', 'America/New_York', 40.71, -74.0],
  ['S.A.', 'ES', 'Madrid', 'Europe/Madrid', 40.42, -3.7],
  ['B.V.', 'NL', 'Noord-Holland', 'Europe/Amsterdam', 52.37, 4.9],
  ['Pty Ltd', 'AU', 'NSW', 'Australia/Sydney', -33.87, 151.21],
  ['K.K.', 'JP', 'Tokyo', 'Asia/Tokyo', 35.68, 139.69],
  ['AB', 'SE', 'Stockholm', 'Europe/Stockholm', 59.33, 18.07],
  ['S.p.A.', 'IT', 'Lombardia', 'Europe/Rome', 45.46, 9.19],
];
const partnerTypes = ['reseller', 'system_integrator', 'technology_alliance', 'managed_service_provider', 'referral'];
const specialisations = ['security', 'cloud', 'data_analytics', 'networking', 'erp', 'crm', 'devops'];
const customers = [
  'Acme Corporation',
  'Globex',
  'Initech',
  'Umbrella Group',
  'Stark Industries',
  'Wayne Enterprises',
  'Hooli',
  'Pied Piper',
  'Soylent',
  'Cyberdyne Systems',
  'Tyrell Corporation',
  'Wonka Industries',
  'Gringotts',
  'Oscorp',
  'Vandelay Industries',
  'Duff Beer',
  'Monarch Solutions',
  'Massive Dynamic',
  'Aperture Science',
  'Black Mesa',
];

export const demoPasswords: Record<Role, string> = {
  channelAdmin: 'demo-admin-password',
  channelManager: 'demo-manager-password',
  salesRep: 'demo-rep-password',
  partnerAdmin: 'demo-partner-admin',
  partnerRep: 'demo-partner-rep',
};

export interface DemoSummary {
  logins: DemoLogin[];
  counts: Record<string, number>;
}

export async function seedDemo(tx: Tx, now: Date): Promise<DemoSummary> {
  const rand = random(20261126);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000);
  const isoDate = (offset: number) => day(offset).toISOString().slice(0, 10);
  const counts: Record<string, number> = {};
  const admin: Actor = await createUser(tx, now, {
    email: 'admin@demo.prm',
    name: 'Avery Admin',
    role: 'channelAdmin',
    password: demoPasswords.channelAdmin,
  });
  const create = async (name: string, input: Record<string, unknown>) => {
    counts[name] = (counts[name] ?? 0) + 1;
    return createRecord(tx, now, admin, object(name), input);
  };

  const program = await create('program', {
    name: 'Global Partner Program',
    currency: 'USD',
    protectionDays: 90,
    extensionPolicy: 'once',
    extensionDays: 30,
    leadSlaHours: 24,
    maxOfferAttempts: 3,
    registrationRequiresCertification: false,
  });
  const tierSpecs = [
    {
      name: 'Registered',
      rank: 1,
      minSourcedRevenue: 0,
      protectionDays: 60,
      discountPercent: 10,
      mdfSharePercent: 0,
      leadWeight: 5,
      autoApproveUpTo: 0,
    },
    {
      name: 'Silver',
      rank: 2,
      minSourcedRevenue: 25_000_000,
      minCertifiedPeople: 2,
      protectionDays: 90,
      discountPercent: 20,
      mdfSharePercent: 15,
      leadWeight: 20,
      autoApproveUpTo: 2_500_000,
    },
    {
      name: 'Gold',
      rank: 3,
      minSourcedRevenue: 100_000_000,
      minCertifiedPeople: 5,
      protectionDays: 120,
      discountPercent: 30,
      mdfSharePercent: 30,
      leadWeight: 35,
      autoApproveUpTo: 10_000_000,
    },
    {
      name: 'Platinum',
      rank: 4,
      minSourcedRevenue: 500_000_000,
      minCertifiedPeople: 10,
      minNps: 40,
      protectionDays: 180,
      discountPercent: 40,
      mdfSharePercent: 55,
      leadWeight: 40,
      autoApproveUpTo: 25_000_000,
    },
  ];
  const tiers = [];
  for (const spec of tierSpecs)
    tiers.push(await create('tier', { ...spec, program: program.id, currency: 'USD', registeredDealUplift: 5 }));

  const partners = [];
  for (let i = 0; i < 50; i++) {
    const [suffix, country, region, timeZone, lat, lon] = suffixes[i % suffixes.length];
    const stem = companyStems[i % companyStems.length];
    const name = `${stem}${i >= companyStems.length ? ' Solutions' : ''} ${suffix}`;
    const tier = tiers[Math.min(3, Math.floor(rand() * rand() * 4 + (i % 7 === 0 ? 2 : 0)))];
    partners.push(
      await create('partner', {
        name,
        website: `https://${stem.toLowerCase().replace(/\s+/g, '')}${i}.example`,
        country,
        region,
        partnerType: pick(partnerTypes),
        segment: pick(['enterprise', 'mid_market', 'smb', 'public_sector']),
        status: i < 44 ? 'active' : i < 48 ? 'onboarding' : 'prospect',
        program: program.id,
        tier: tier.id,
        tierSince: isoDate(-200 - i),
        specialisations: [pick(specialisations), pick(specialisations)].filter((v, k, all) => all.indexOf(v) === k),
        latitude: Math.round((lat + (rand() - 0.5)) * 1e4) / 1e4,
        longitude: Math.round((lon + (rand() - 0.5)) * 1e4) / 1e4,
        timeZone,
        leadCapacity: 5 + Math.floor(rand() * 20),
        leadWeight: tierSpecs[tiers.indexOf(tier)].leadWeight,
        acceptsLeads: i < 46,
        partnerManager: pick(['Morgan Lee', 'Sam Patel', 'Jordan Kim']),
        joinedOn: isoDate(-400 - i * 3),
        onboardingCompletedOn: i < 44 ? isoDate(-380 - i * 3) : null,
      }),
    );
  }

  // People: one partner admin and two reps per partner, users for the demo partner.
  const contacts = new Map<string, string[]>();
  for (const [index, partner] of partners.entries()) {
    const ids = [];
    for (const [k, role] of (['partner_admin', 'partner_rep', 'partner_rep'] as const).entries()) {
      const contact = await create('partnerContact', {
        name: `${pick(['Alex', 'Robin', 'Kai', 'Noa', 'Sasha', 'Jamie', 'Toni', 'Rene'])} ${pick(['Schmidt', 'Garcia', 'Tanaka', 'Smith', 'Rossi', 'Jansen', 'Berg'])}`,
        email: `contact${index}-${k}@partner${index}.example`,
        partner: partner.id,
        partnerRole: role,
        portalAccess: true,
        portalAccessGrantedAt: isoDate(-300),
      });
      ids.push(contact.id);
    }
    contacts.set(partner.id, ids);
  }
  const demoPartner = partners[0];
  const logins: DemoLogin[] = [
    { role: 'Channel Admin', email: 'admin@demo.prm', password: demoPasswords.channelAdmin },
  ];
  for (const [role, email, label] of [
    ['channelManager', 'manager@demo.prm', 'Channel Manager'],
    ['salesRep', 'rep@demo.prm', 'Sales Rep'],
    ['partnerAdmin', 'partner.admin@demo.prm', 'Partner Admin'],
    ['partnerRep', 'partner.rep@demo.prm', 'Partner Rep'],
  ] as const) {
    const partnerUser = role === 'partnerAdmin' || role === 'partnerRep';
    await createUser(tx, now, {
      email,
      name: label,
      role,
      password: demoPasswords[role],
      partnerId: partnerUser ? demoPartner.id : null,
    });
    logins.push({
      role: label,
      email,
      password: demoPasswords[role],
      partner: partnerUser ? String(demoPartner.name) : undefined,
    });
  }

  // The demo partner's agreement waits for its admin's signature, the first step of onboarding.
  await create('agreement', { partner: demoPartner.id, agreementVersion: '2026.2', status: 'sent' });

  // Enablement.
  const courses = [];
  for (const [code, title, cert] of [
    ['SEC-101', 'Security fundamentals', 'Certified Security Associate'],
    ['CLD-201', 'Cloud deployment', 'Certified Cloud Engineer'],
    ['SAL-100', 'Selling the platform', ''],
    ['DAT-301', 'Data analytics in depth', 'Certified Data Specialist'],
  ]) {
    courses.push(
      await create('course', {
        name: title,
        courseCode: code,
        format: 'self_paced',
        durationMinutes: 90,
        activityIri: `https://lms.example/activities/${code.toLowerCase()}`,
        passingScore: 80,
        grantsCertification: cert || null,
        certificationValidMonths: cert ? 24 : null,
      }),
    );
  }
  for (const partner of partners.slice(0, 40)) {
    for (const contactId of contacts.get(partner.id)!.slice(0, 2)) {
      const course = pick(courses);
      const done = rand() < 0.7;
      await create('enrollment', {
        partner: partner.id,
        partnerContact: contactId,
        course: course.id,
        status: done ? 'completed' : 'in_progress',
        assignedAt: day(-120).toISOString(),
        completedAt: done ? day(-60).toISOString() : null,
        score: done ? 85 : null,
        completionSource: done ? pick(['portal', 'lms']) : null,
      });
      if (done && course.grantsCertification) {
        const expiresSoon = rand() < 0.2;
        await create('certification', {
          name: String(course.grantsCertification),
          partner: partner.id,
          partnerContact: contactId,
          course: course.id,
          earnedOn: isoDate(-60),
          expiresOn: isoDate(expiresSoon ? 20 : 670),
          status: 'active',
        });
      }
    }
  }

  // Deal registrations in every state, named accounts, opportunities.
  for (const [k, status] of registrationStatuses.entries()) {
    for (let j = 0; j < 4; j++) {
      const partner = j === 0 ? demoPartner : pick(partners.slice(0, 44));
      const customer = customers[(k * 4 + j) % customers.length];
      const amount = (20 + Math.floor(rand() * 480)) * 100_000;
      const decided = !['draft', 'submitted', 'in_review'].includes(status);
      await create('dealRegistration', {
        partner: partner.id,
        submittedBy: contacts.get(partner.id)![1],
        customerName: `${customer}${j > 1 ? ` ${j}` : ''}`,
        customerDomain: `${customer.toLowerCase().replace(/[^a-z]+/g, '')}${j > 1 ? j : ''}.example`,
        customerCountry: pick(['US', 'DE', 'GB', 'FR', 'JP']),
        opportunityName: `${customer} ${pick(['platform rollout', 'security refresh', 'cloud migration', 'renewal'])}`,
        currency: 'USD',
        amount,
        expectedCloseOn: isoDate(30 + k * 7),
        product: pick(['Platform', 'Security Suite', 'Analytics']),
        status,
        submittedAt: status === 'draft' ? null : day(-40 + k).toISOString(),
        decidedAt: decided && status !== 'withdrawn' ? day(-35 + k).toISOString() : null,
        decidedBy: decided && status !== 'withdrawn' ? 'Casey Manager' : null,
        decisionReason: status === 'rejected' ? 'The customer is already in the direct team’s pipeline.' : null,
        conflictVerdict: status === 'draft' ? null : j === 3 ? 'possible' : 'none',
        protectionEndsAt: ['approved', 'converted', 'won', 'lost', 'expired'].includes(status)
          ? day(status === 'expired' ? -2 : 55 + k).toISOString()
          : null,
        attribution: ['converted', 'won', 'lost'].includes(status) ? 'sourced' : null,
        closedAt: ['won', 'lost'].includes(status) ? day(-5).toISOString() : null,
      });
    }
  }
  for (const customer of customers.slice(15)) {
    await create('namedAccount', {
      name: customer,
      customerDomain: `${customer.toLowerCase().replace(/[^a-z]+/g, '')}.example`,
      country: 'US',
      accountOwner: 'Direct Sales West',
    });
  }

  // Leads: some on offer to the demo partner, some assigned, some in fallback.
  for (let i = 0; i < 30; i++) {
    const partner = i < 6 ? demoPartner : pick(partners.slice(0, 44));
    const state = i < 12 ? 'offered' : i < 24 ? 'assigned' : 'fallback';
    const lead = await create('lead', {
      name: `Lead ${i + 1}`,
      company: `${pick(customers)} ${pick(['East', 'West', 'North', 'South'])}`,
      email: `buyer${i}@lead${i}.example`,
      country: String(partner.country),
      productInterest: pick(specialisations),
      routingStatus: state,
      assignedPartner: state === 'fallback' ? null : partner.id,
      offerAttempts: state === 'fallback' ? 3 : 1,
      routedAt: day(-1).toISOString(),
      routingExplanation:
        state === 'fallback'
          ? 'No partner accepted within three offers; sent to the direct team’s queue.'
          : `Matched country ${String(partner.country)}; highest remaining weight among active partners.`,
    });
    if (state !== 'fallback') {
      await create('leadOffer', {
        lead: lead.id,
        partner: partner.id,
        attempt: 1,
        status: state === 'offered' ? 'offered' : 'accepted',
        offeredAt: day(-1).toISOString(),
        respondBy: day(state === 'offered' ? 1 : 0).toISOString(),
        respondedAt: state === 'assigned' ? day(-0.5).toISOString() : null,
        explanation: 'Offered as the best match for the lead’s country and product.',
      });
    }
  }
  for (const [sequence, condition, operator, value, mode] of [
    [1, 'partner_active', 'equals', 'true', 'required'],
    [2, 'country', 'equals', '', 'required'],
    [3, 'specialisation', 'in', 'security,cloud,data_analytics', 'optional'],
    [4, 'minimum_tier', 'at_least', 'Silver', 'optional'],
  ] as const) {
    await create('routingRule', {
      name: `Rule ${sequence}: ${condition}`,
      program: program.id,
      sequence,
      condition,
      operator,
      value: value || null,
      mode,
      strategy: sequence === 4 ? 'weighted' : null,
      active: true,
    });
  }

  // MDF: one budget per half-year, allocations by tier share, requests and claims at every stage.
  const budget = await create('mdfBudget', {
    name: 'MDF 2026 H2',
    program: program.id,
    periodStart: '2026-07-01',
    periodEnd: '2026-12-31',
    currency: 'USD',
    totalAmount: 200_000_000,
    allocationMethod: 'by_tier_percentage',
    requestDeadline: '2026-12-15',
    claimDeadlineDays: 60,
    defaultReimbursementRate: 50,
    status: 'open',
  });
  for (const partner of partners.slice(0, 20)) {
    const allocation = await create('mdfAllocation', {
      mdfBudget: budget.id,
      partner: partner.id,
      currency: 'USD',
      allocatedAmount: 5_000_000,
      approvedAmount: 0,
      paidAmount: 0,
    });
    const requestStatus = pick(['submitted', 'approved', 'approved', 'rejected']);
    const request = await create('fundRequest', {
      partner: partner.id,
      mdfAllocation: allocation.id,
      mdfBudget: budget.id,
      activityName: `${pick(['Security', 'Cloud', 'Analytics'])} ${pick(['webinar', 'roadshow', 'workshop'])}`,
      activityType: pick(['webinar', 'event', 'digital_campaign']),
      activityStart: isoDate(-40),
      activityEnd: isoDate(-38),
      currency: 'USD',
      requestedAmount: 2_000_000,
      approvedAmount: requestStatus === 'approved' ? 2_000_000 : null,
      expectedLeads: 40,
      status: requestStatus,
    });
    if (requestStatus === 'approved') {
      const claimStatus = pick(['submitted', 'approved', 'paid']);
      await create('fundClaim', {
        fundRequest: request.id,
        partner: partner.id,
        currency: 'USD',
        claimedAmount: 1_800_000,
        reimbursementRate: 50,
        approvedAmount: claimStatus === 'submitted' ? null : 900_000,
        paidAmount: claimStatus === 'paid' ? 900_000 : null,
        proofOfPerformanceUrl: 'https://files.example/proof/invoice.pdf',
        actualLeads: 35,
        status: claimStatus,
        submittedAt: day(-20).toISOString(),
        paidAt: claimStatus === 'paid' ? day(-3).toISOString() : null,
        paymentReference: claimStatus === 'paid' ? `PAY-${1000 + counts.fundClaim}` : null,
      });
      await writeUpdate(
        tx,
        now,
        admin,
        object('mdfAllocation'),
        allocation,
        1,
        { approvedAmount: 2_000_000, paidAmount: claimStatus === 'paid' ? 900_000 : 0 },
        'update',
      );
    }
  }

  // Joint business plans with goals and actions, quarterly reviews, NPS.
  for (const partner of partners.slice(0, 12)) {
    const plan = await create('jointBusinessPlan', {
      name: `${String(partner.name)} 2026 plan`,
      partner: partner.id,
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      status: 'active',
      summary: 'Grow sourced revenue in the mid-market and certify the pre-sales team.',
    });
    const goal = await create('planGoal', {
      name: 'Sourced revenue',
      jointBusinessPlan: plan.id,
      partner: partner.id,
      measure: 'sourced_revenue',
      currency: 'USD',
      target: 1_500_000,
    });
    await create('planGoal', {
      name: 'Certified people',
      jointBusinessPlan: plan.id,
      partner: partner.id,
      measure: 'certifications',
      target: 4,
    });
    await create('planAction', {
      name: 'Run two joint webinars',
      jointBusinessPlan: plan.id,
      planGoal: goal.id,
      partner: partner.id,
      ownerName: 'Morgan Lee',
      ownerSide: 'vendor',
      dueOn: '2026-12-01',
      status: 'in_progress',
    });
    await create('businessReview', {
      name: `${String(partner.name)} Q3 review`,
      partner: partner.id,
      jointBusinessPlan: plan.id,
      quarter: '2026-Q3',
      heldOn: '2026-10-10',
      currency: 'USD',
      notes: 'Pipeline strong in Germany; certification behind plan.',
    });
  }
  for (const partner of partners.slice(0, 30)) {
    const score = Math.floor(rand() * 11);
    await create('npsResponse', {
      partner: partner.id,
      partnerContact: contacts.get(partner.id)![0],
      score,
      survey: '2026-H2',
      respondedAt: day(-10).toISOString(),
      category: score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor',
    });
  }
  return { logins, counts };
}

/** The demo logins, if this store holds the demo program (for the root page after a restart). */
export async function existingDemoLogins(tx: Tx): Promise<DemoLogin[] | null> {
  const users = await tx.db
    .selectFrom('app_user')
    .select(['email', 'role', 'name', 'partner_id'])
    .where('email', 'like', '%@demo.prm')
    .orderBy('created_at')
    .execute();
  if (users.length === 0) return null;
  const partnerIds = users.map((u) => u.partner_id).filter(Boolean);
  const partners = partnerIds.length
    ? await tx.db.selectFrom('partner').select(['id', 'name']).where('id', 'in', partnerIds).execute()
    : [];
  return users.map((user) => ({
    role: String(user.name),
    email: String(user.email),
    password: demoPasswords[user.role as Role],
    partner: partners.find((p) => p.id === user.partner_id)?.name as string | undefined,
  }));
}
