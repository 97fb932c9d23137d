import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../http/__tests__/harness.ts';

const fields = (response: { body: { errors?: Array<{ field: string }> } }) =>
  (response.body.errors ?? []).map((e) => e.field).sort();

describe('MDF over HTTP', () => {
  let h: Harness;
  let partnerA: string;
  let budget: string;
  let allocationA: string;

  const create = async (path: string, body: Record<string, unknown>) => {
    const response = await h.call('channelAdmin', 'POST', path, body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body as Record<string, any>;
  };
  const read = async (path: string) => (await h.call('channelAdmin', 'GET', path)).body as Record<string, any>;
  const patch = async (path: string, body: Record<string, unknown>) => {
    const etag = (await h.call('channelAdmin', 'GET', path)).headers.get('etag')!;
    const response = await h.call('channelAdmin', 'PATCH', path, body, { 'if-match': etag });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  };
  const request = (amount: number, activityName = 'Security roadshow') =>
    create('/api/fund-requests', {
      partner: partnerA,
      mdfBudget: budget,
      activityName,
      activityType: 'event',
      activityStart: '2026-11-01',
      activityEnd: '2026-11-20',
      currency: 'USD',
      requestedAmount: amount,
      expectedLeads: 20,
    });

  before(async () => {
    h = await startHarness();
    partnerA = h.records.A.get('partner')!;
    const program = await create('/api/programs', { name: 'MDF test program', currency: 'USD' });
    const gold = await create('/api/tiers', { name: 'Gold', program: program.id, rank: 2, mdfSharePercent: 60 });
    const silver = await create('/api/tiers', { name: 'Silver', program: program.id, rank: 1, mdfSharePercent: 30 });
    await patch(`/api/partners/${partnerA}`, { status: 'active', tier: gold.id, program: program.id });
    for (const name of ['Silver One', 'Silver Two'])
      await create('/api/partners', { name, status: 'active', tier: silver.id, program: program.id });
    // A suspended partner holds its tier but gets no share.
    await create('/api/partners', { name: 'Suspended', status: 'suspended', tier: silver.id, program: program.id });
    budget = (
      await create('/api/mdf-budgets', {
        name: 'FY27 H1',
        program: program.id,
        periodStart: '2026-10-01',
        periodEnd: '2027-03-31',
        currency: 'USD',
        totalAmount: 1_000_000,
        allocationMethod: 'by_tier_percentage',
        status: 'open',
        claimDeadlineDays: 60,
        defaultReimbursementRate: 50,
      })
    ).id;
  });
  after(() => h.close());

  it('allocates a budget by tier share among active partners, once', async () => {
    assert.equal((await h.call('channelManager', 'POST', `/api/mdf-budgets/${budget}/allocate`, {})).status, 403);
    const response = await h.call('channelAdmin', 'POST', `/api/mdf-budgets/${budget}/allocate`, {});
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const amounts = response.body.allocations.map((a: { allocatedAmount: number }) => a.allocatedAmount);
    assert.deepEqual(amounts.sort(), [150_000, 150_000, 600_000]);
    assert.equal(response.body.unallocated, 100_000);
    allocationA = response.body.allocations.find((a: { partner: string }) => a.partner === partnerA).id;

    const again = await h.call('channelAdmin', 'POST', `/api/mdf-budgets/${budget}/allocate`, {});
    assert.equal(again.status, 409);
    const listed = await h.call('channelAdmin', 'GET', `/api/mdf-allocations?mdfBudget=${budget}`);
    assert.equal(listed.body.data.length, 3, 'the refused second run created nothing');
  });

  it('refuses to submit against a budget that is not open, naming the field', async () => {
    // The harness's own request points at its own budget, which is still planned.
    const response = await h.call(
      'partnerAdmin',
      'POST',
      `/api/fund-requests/${h.records.A.get('fundRequest')}/submit`,
      {},
    );
    assert.equal(response.status, 422, JSON.stringify(response.body));
    assert.ok(fields(response).includes('mdfBudget'));
  });

  it('a partner admin submits its own request but never another partner’s, and may not decide', async () => {
    const first = await request(400_000);
    const submitted = await h.call('partnerAdmin', 'POST', `/api/fund-requests/${first.id}/submit`, {});
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.record.status, 'submitted');
    assert.equal(submitted.body.record.mdfAllocation, allocationA, 'the partner’s allocation is filled in');

    const other = h.records.B.get('fundRequest');
    assert.equal((await h.call('partnerAdmin', 'POST', `/api/fund-requests/${other}/submit`, {})).status, 404);
    assert.equal((await h.call('partnerRep', 'POST', `/api/fund-requests/${first.id}/submit`, {})).status, 403);
    assert.equal(
      (await h.call('partnerAdmin', 'POST', `/api/fund-requests/${first.id}/decide`, { verdict: 'approve' })).status,
      403,
    );
    assert.equal((await h.call('partnerAdmin', 'GET', `/api/mdf-allocations/${allocationA}`)).status, 200);
    const theirAllocation = h.records.B.get('mdfAllocation');
    assert.equal((await h.call('partnerAdmin', 'GET', `/api/mdf-allocations/${theirAllocation}`)).status, 404);
  });

  it('never approves more than the allocation has left; a refused approval changes nothing', async () => {
    const [first] = (await h.call('channelAdmin', 'GET', `/api/fund-requests?mdfBudget=${budget}`)).body.data;
    assert.equal(first.requestedAmount, 400_000);
    const tooMuch = await h.call('channelManager', 'POST', `/api/fund-requests/${first.id}/decide`, {
      verdict: 'approve',
      approvedAmount: 700_000,
    });
    assert.equal(tooMuch.status, 422);
    assert.deepEqual([...new Set(fields(tooMuch))], ['approvedAmount']);
    assert.equal((await read(`/api/fund-requests/${first.id}`)).status, 'submitted');
    assert.equal((await read(`/api/mdf-allocations/${allocationA}`)).approvedAmount, 0);

    const approved = await h.call('channelManager', 'POST', `/api/fund-requests/${first.id}/decide`, {
      verdict: 'approve',
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.record.approvedAmount, 400_000);
    assert.equal((await read(`/api/mdf-allocations/${allocationA}`)).approvedAmount, 400_000);

    const second = await request(300_000, 'Webinar series');
    await h.call('partnerAdmin', 'POST', `/api/fund-requests/${second.id}/submit`, {});
    const overdraw = await h.call('channelManager', 'POST', `/api/fund-requests/${second.id}/decide`, {
      verdict: 'approve',
    });
    assert.equal(overdraw.status, 422);
    assert.match(overdraw.body.errors[0].message, /200000/);
    const partial = await h.call('channelAdmin', 'POST', `/api/fund-requests/${second.id}/decide`, {
      verdict: 'approve',
      approvedAmount: 200_000,
    });
    assert.equal(partial.status, 200, JSON.stringify(partial.body));
    const allocation = await read(`/api/mdf-allocations/${allocationA}`);
    assert.equal(allocation.approvedAmount, 600_000);
    assert.ok(allocation.approvedAmount <= allocation.allocatedAmount);

    assert.equal(
      (
        await h.call('channelManager', 'POST', `/api/fund-requests/${second.id}/decide`, {
          verdict: 'reject',
          decisionReason: 'x',
        })
      ).status,
      409,
      'a decided request is not decided again',
    );
  });

  it('rejects only with a reason, and a rejection draws nothing', async () => {
    const third = await request(10_000, 'Trade show booth');
    await h.call('partnerAdmin', 'POST', `/api/fund-requests/${third.id}/submit`, {});
    const noReason = await h.call('channelManager', 'POST', `/api/fund-requests/${third.id}/decide`, {
      verdict: 'reject',
    });
    assert.equal(noReason.status, 422);
    assert.deepEqual(fields(noReason), ['decisionReason']);
    const rejected = await h.call('channelManager', 'POST', `/api/fund-requests/${third.id}/decide`, {
      verdict: 'reject',
      decisionReason: 'Outside the agreed plan.',
    });
    assert.equal(rejected.status, 200);
    assert.equal(rejected.body.record.status, 'rejected');
    assert.equal((await read(`/api/mdf-allocations/${allocationA}`)).approvedAmount, 600_000);
  });

  it('claims need proof; approval is capped by the request; payment never exceeds the approval', async () => {
    const first = (await h.call('channelAdmin', 'GET', `/api/fund-requests?mdfBudget=${budget}`)).body.data.find(
      (r: { activityName: string }) => r.activityName === 'Security roadshow',
    );
    const claim = await create('/api/fund-claims', {
      fundRequest: first.id,
      partner: partnerA,
      currency: 'USD',
      claimedAmount: 1_000_000,
    });
    const path = `/api/fund-claims/${claim.id}`;
    const noProof = await h.call('partnerAdmin', 'POST', `${path}/submit`, {});
    assert.equal(noProof.status, 422);
    assert.deepEqual(fields(noProof), ['proofOfPerformanceUrl']);
    const submitted = await h.call('partnerAdmin', 'POST', `${path}/submit`, {
      proofOfPerformanceUrl: 'https://files.example/invoice-2211.pdf',
    });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(submitted.body.record.status, 'submitted');

    assert.equal((await h.call('partnerAdmin', 'POST', `${path}/decide`, { verdict: 'approve' })).status, 403);
    const badRate = await h.call('channelManager', 'POST', `${path}/decide`, {
      verdict: 'approve',
      reimbursementRate: 150,
    });
    assert.equal(badRate.status, 422);
    assert.deepEqual(fields(badRate), ['reimbursementRate']);
    const approved = await h.call('channelManager', 'POST', `${path}/decide`, { verdict: 'approve' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    // 50 % of 1,000,000 is 500,000, but the request approved only 400,000.
    assert.equal(approved.body.record.approvedAmount, 400_000);
    assert.equal(approved.body.record.reimbursementRate, 50);

    assert.equal(
      (await h.call('channelManager', 'POST', `${path}/pay`, { paymentReference: 'PAY-1' })).status,
      403,
      'only a channel admin pays',
    );
    const overpay = await h.call('channelAdmin', 'POST', `${path}/pay`, {
      paymentReference: 'PAY-1',
      paidAmount: 400_001,
    });
    assert.equal(overpay.status, 422);
    assert.deepEqual(fields(overpay), ['paidAmount']);
    const noReference = await h.call('channelAdmin', 'POST', `${path}/pay`, {});
    assert.equal(noReference.status, 422);
    assert.deepEqual(fields(noReference), ['paymentReference']);
    assert.equal((await read(path)).status, 'approved', 'refused payments changed nothing');
    assert.equal((await read(`/api/mdf-allocations/${allocationA}`)).paidAmount, 0);

    const paid = await h.call('channelAdmin', 'POST', `${path}/pay`, { paymentReference: 'PAY-1' });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.record.paidAmount, 400_000);
    assert.equal((await read(`/api/mdf-allocations/${allocationA}`)).paidAmount, 400_000);
    assert.equal((await h.call('channelAdmin', 'POST', `${path}/pay`, { paymentReference: 'PAY-2' })).status, 409);
    assert.equal((await read(`/api/mdf-allocations/${allocationA}`)).paidAmount, 400_000, 'never paid twice');

    // A second claim on the same request can be approved only for what the first left: nothing.
    const second = await create('/api/fund-claims', {
      fundRequest: first.id,
      partner: partnerA,
      currency: 'USD',
      claimedAmount: 50_000,
      proofOfPerformanceUrl: 'https://files.example/attendees.csv',
    });
    await h.call('partnerAdmin', 'POST', `/api/fund-claims/${second.id}/submit`, {});
    const capped = await h.call('channelManager', 'POST', `/api/fund-claims/${second.id}/decide`, {
      verdict: 'approve',
    });
    assert.equal(capped.status, 200, JSON.stringify(capped.body));
    assert.equal(capped.body.record.approvedAmount, 0);
  });

  it('a partner user cannot submit, read or act on another partner’s claim', async () => {
    const theirs = h.records.B.get('fundClaim');
    assert.equal((await h.call('partnerAdmin', 'POST', `/api/fund-claims/${theirs}/submit`, {})).status, 404);
    assert.equal((await h.call('partnerAdmin', 'GET', `/api/fund-claims/${theirs}`)).status, 404);
  });

  it('lets a partner admin start a request on their own allocation and a claim on their own request', async () => {
    const draft = await h.call('partnerAdmin', 'POST', '/api/fund-requests/request', {
      mdfAllocation: allocationA,
      activityName: 'Partner-led webinar',
      activityType: 'webinar',
      activityStart: '2026-12-01',
      activityEnd: '2026-12-01',
      currency: 'USD',
      requestedAmount: 10_000,
      expectedLeads: 15,
    });
    assert.equal(draft.status, 201, JSON.stringify(draft.body));
    assert.equal(draft.headers.get('location'), `/api/fund-requests/${draft.body.record.id}`);
    assert.equal(draft.body.record.status, 'draft');
    const stored = await read(`/api/fund-requests/${draft.body.record.id}`);
    assert.equal(stored.partner, partnerA);
    assert.equal(stored.mdfBudget, budget);
    assert.equal(stored.status, 'draft');
    const submitted = await h.call('partnerAdmin', 'POST', `/api/fund-requests/${draft.body.record.id}/submit`, {});
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));

    const foreign = await h.call('partnerAdmin', 'POST', '/api/fund-requests/request', {
      mdfAllocation: h.records.B.get('mdfAllocation'),
      activityName: 'Not ours',
      activityType: 'webinar',
      activityStart: '2026-12-01',
      activityEnd: '2026-12-01',
      currency: 'USD',
      requestedAmount: 10_000,
    });
    assert.equal(foreign.status, 422, 'another partner\u2019s allocation is one the partner cannot see');
    assert.deepEqual(fields(foreign), ['mdfAllocation']);
    const missing = await h.call('partnerAdmin', 'POST', '/api/fund-requests/request', { activityName: 'x' });
    assert.equal(missing.status, 422);
    assert.ok(fields(missing).includes('mdfAllocation'));

    const claim = await h.call('partnerAdmin', 'POST', '/api/fund-claims/claim', {
      fundRequest: draft.body.record.id,
      currency: 'USD',
      claimedAmount: 8_000,
      proofOfPerformanceUrl: 'https://files.example/attendees.csv',
    });
    assert.equal(claim.status, 201, JSON.stringify(claim.body));
    assert.equal(claim.headers.get('etag'), `"${claim.body.record.version}"`);
    assert.equal((await read(`/api/fund-claims/${claim.body.record.id}`)).partner, partnerA);
    const foreignClaim = await h.call('partnerAdmin', 'POST', '/api/fund-claims/claim', {
      fundRequest: h.records.B.get('fundRequest'),
      currency: 'USD',
      claimedAmount: 8_000,
    });
    assert.equal(foreignClaim.status, 422);
    assert.deepEqual(fields(foreignClaim), ['fundRequest']);
  });
});
