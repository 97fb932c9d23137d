/**
 * The partner's dashboard: what the portal's home page shows a partner user at a glance — their
 * registrations by status and what protection ends soon, leads waiting for an answer, MDF left to
 * spend, and people certified. Read in one go by aggregate queries rather than record by record.
 */
import { sql, type NotNull } from 'kysely';
import type { Tx } from '../store/repository.ts';
import type { RecordOf } from '../store/records.ts';

/** The dashboard of `partner`, whom the caller has already been allowed to see. */
export async function partnerDashboard(tx: Tx, partner: RecordOf<'partner'>, now: Date) {
  const partnerId = partner.id;
  const soon = new Date(now.getTime() + 14 * 86_400_000).toISOString();
  const [byStatus, endingSoon, offers, mdf, certified] = await Promise.all([
    tx.db
      .selectFrom('deal_registration')
      .select(['status', sql<number>`count(*)`.as('count'), sql<number>`coalesce(sum(amount), 0)`.as('amount')])
      .where('partner_id', '=', partnerId)
      .groupBy('status')
      .execute(),
    tx.db
      .selectFrom('deal_registration')
      .select(['id', 'name', 'customer_name', 'protection_ends_at'])
      .where('partner_id', '=', partnerId)
      .where('status', 'in', ['approved', 'converted'])
      .where('protection_ends_at', '<=', soon)
      .orderBy('protection_ends_at')
      .limit(10)
      // Only windows ending by `soon` are read, so each has an end.
      .$narrowType<{ protection_ends_at: NotNull }>()
      .execute(),
    tx.db
      .selectFrom('lead_offer')
      .select(['id', 'lead_id', 'respond_by'])
      .where('partner_id', '=', partnerId)
      .where('status', '=', 'offered')
      .orderBy('respond_by')
      .limit(20)
      .execute(),
    tx.db
      .selectFrom('mdf_allocation')
      .select([
        'currency',
        sql<number>`coalesce(sum(allocated_amount), 0)`.as('allocated'),
        sql<number>`coalesce(sum(approved_amount), 0)`.as('approved'),
        sql<number>`coalesce(sum(paid_amount), 0)`.as('paid'),
      ])
      .where('partner_id', '=', partnerId)
      .groupBy('currency')
      .execute(),
    tx.db
      .selectFrom('certification')
      .select(sql<number>`count(distinct partner_contact_id)`.as('people'))
      .where('partner_id', '=', partnerId)
      .where('status', '=', 'active')
      .executeTakeFirst(),
  ]);
  return {
    partner: { id: partner.id, name: partner.name, tier: partner.tier, status: partner.status },
    registrations: Object.fromEntries(
      byStatus.map((row) => [row.status, { count: Number(row.count), amount: Number(row.amount) }]),
    ),
    protectionEndingSoon: endingSoon.map((row) => ({
      id: row.id,
      name: row.name,
      customerName: row.customer_name,
      protectionEndsAt: new Date(row.protection_ends_at).toISOString(),
    })),
    leadOffersAwaitingAnswer: offers.map((row) => ({
      id: row.id,
      lead: row.lead_id,
      respondBy: new Date(row.respond_by).toISOString(),
    })),
    mdf: mdf.map((row) => ({
      currency: row.currency,
      allocated: Number(row.allocated),
      approved: Number(row.approved),
      paid: Number(row.paid),
      remaining: Number(row.allocated) - Number(row.approved),
    })),
    certifiedPeople: Number(certified?.people ?? 0),
  };
}
