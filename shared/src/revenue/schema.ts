/**
 * Revenue as the ERP sees it: the orders a partner places or that close through a partner, and their
 * invoices. Imported from the ERP (CSV or API), they are what partner-sourced revenue and MDF return on
 * investment are measured against; partners read their own, nobody edits them by hand but admins.
 */
import { defineObject } from '../schema/object.ts';
import { text, picklist, lookup, date, money, currency } from '../schema/fields.ts';
import { partnersReadOnly } from '../schema/roles.ts';

const readByEveryone = {
  channelAdmin: 'edit',
  channelManager: 'read',
  salesRep: 'read',
  partnerAdmin: 'read',
  partnerRep: 'read',
} as const;

export const salesOrder = defineObject({
  name: 'salesOrder',
  label: 'Sales Order',
  pluralLabel: 'Sales Orders',
  description: "An order booked in the ERP that a partner sold or resold: the ERP's view of partner revenue.",
  nameField: { label: 'Order number', length: 80 },
  partnerField: 'partner',
  access: readByEveryone,
  fields: {
    erpOrderId: text(80, {
      required: true,
      unique: true,
      externalId: true,
      label: 'ERP order id',
      help: 'The id the ERP gives the order; re-importing the same id updates the order.',
    }),
    partner: lookup('partner', { required: true, access: partnersReadOnly }),
    opportunity: lookup('opportunity', { help: 'The CRM opportunity the order closes, for attribution.' }),
    dealRegistration: lookup('dealRegistration', { help: 'The registration the order came from, when known.' }),
    customerName: text(255, { required: true }),
    orderedOn: date({ required: true }),
    currency: currency({ required: true, default: 'USD' }),
    amount: money({ required: true, label: 'Order amount' }),
    status: picklist(['open', 'fulfilled', 'cancelled'], { default: 'open' }),
  },
  listView: ['partner', 'customerName', 'orderedOn', 'amount', 'status'],
});

export const invoice = defineObject({
  name: 'invoice',
  label: 'Invoice',
  pluralLabel: 'Invoices',
  description: 'An ERP invoice for a sales order: what was billed and when it was paid.',
  nameField: { label: 'Invoice number', length: 80 },
  partnerField: 'partner',
  access: readByEveryone,
  fields: {
    erpInvoiceId: text(80, {
      required: true,
      unique: true,
      externalId: true,
      label: 'ERP invoice id',
      help: 'The id the ERP gives the invoice; re-importing the same id updates the invoice.',
    }),
    salesOrder: lookup('salesOrder', { help: 'The order this invoice bills.' }),
    partner: lookup('partner', { required: true, access: partnersReadOnly }),
    issuedOn: date({ required: true }),
    dueOn: date(),
    paidOn: date(),
    currency: currency({ required: true, default: 'USD' }),
    amount: money({ required: true, label: 'Invoice amount' }),
    status: picklist(['open', 'paid', 'void'], { default: 'open' }),
  },
  listView: ['partner', 'issuedOn', 'amount', 'status', 'paidOn'],
});
