/**
 * `prm route --partners partners.csv --rules rules.json --leads leads.csv [--now ISO]`: routes each lead
 * through the chain and prints one JSON decision per lead, in input order, with its explanation.
 * Fairness state carries from lead to lead, as it would in production. Formats: docs/routing.md.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { parse, CsvError } from 'csv-parse/sync';
import { UsageError } from '../prm.ts';
import { ValidationError } from '@prm/core/errors';
import { parseRoutingChain, type RoutingChain, type RoutingLead, type RoutingPartner } from '@prm/core/routing/rules';
import { compileRouting } from '@prm/core/routing/compile';
import { newLeadRouting, offerLead } from '@prm/core/routing/offers';
import { initialRoutingState } from '@prm/core/routing/state';
import { instantProblem, timeZoneProblem } from '@prm/core/routing/time';
import { coordinateProblem, countryCodeProblem } from '@prm/core/routing/places';
import { partnerInput } from '@prm/core/generated/validators';

export const describe =
  'Route leads to partners through a rule chain (CSV and JSON in, one JSON decision per lead out).';

const usage =
  'Usage: prm route --partners partners.csv --rules rules.json --leads leads.csv [--now 2026-11-02T09:00:00Z]';

const partnerColumns = [
  'id',
  'name',
  'status',
  'tier',
  'country',
  'region',
  'postalCode',
  'latitude',
  'longitude',
  'timeZone',
  'specialisations',
  'industries',
  'products',
  'segment',
  'certifications',
  'leadCapacity',
  'periodCapacity',
  'leadWeight',
  'acceptsLeads',
  'acceptanceRate',
  'conversionRate',
  'slaCompliance',
] as const;
const leadColumns = [
  'id',
  'company',
  'country',
  'region',
  'postalCode',
  'latitude',
  'longitude',
  'industry',
  'employees',
  'productInterest',
  'receivedAt',
] as const;

type Row = Record<string, string>;

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Rows with their line numbers; the header must name only known columns and include the required ones. */
function readCsv(path: string, known: readonly string[], required: string[]): { line: number; row: Row }[] {
  const name = basename(path);
  let records: string[][];
  // Each record's line, noted as it is read: csv-parse's types do not follow its `info` option.
  const lines: number[] = [];
  try {
    records = parse(readText(path), {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      on_record: (record: string[], context) => {
        lines.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    if (error instanceof CsvError) {
      const lines = (error as CsvError & { lines?: number }).lines;
      throw new UsageError(`${name} line ${lines ?? '?'}: malformed CSV: ${error.message}`);
    }
    throw error;
  }
  if (records.length === 0)
    throw new UsageError(`${name} line 1: the file is empty; the header must include ${required.join(',')}`);
  const header = records[0].map((column) => column.trim());
  header.forEach((column) => {
    if (!known.includes(column))
      throw new UsageError(`${name} line 1: unknown column "${column}"; known columns: ${known.join(',')}`);
  });
  for (const column of required) {
    if (!header.includes(column)) throw new UsageError(`${name} line 1: the header has no ${column} column`);
  }
  return records.slice(1).map((record, i) => ({
    line: lines[i + 1],
    row: Object.fromEntries(header.map((column, i) => [column, record[i].trim()])),
  }));
}

// The partner record's own picklists, so a file cannot hold a status the CRM would refuse.
const partnerStatuses = partnerInput.shape.status.unwrap().unwrap().options;
const partnerSegments = partnerInput.shape.segment.unwrap().unwrap().options;

/** Reads the fields of one row in the formats docs/routing.md states; a bad value names file, line and field. */
function fieldReader(name: string, line: number, row: Row) {
  const fail = (field: string, message: string): never => {
    throw new UsageError(`${name} line ${line}, field ${field}: ${message}`);
  };
  const text = (field: string) => (row[field] ? row[field] : null);
  const number = (field: string, min: number, max: number, integer = false): number | null => {
    const raw = row[field];
    if (!raw) return null;
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)))
      fail(field, `"${raw}" is not ${integer ? 'a whole number' : 'a number'}`);
    if (value < min || value > max) fail(field, `${raw} is outside ${min} to ${max}`);
    return value;
  };
  /** Items separated by `;` or `,` (a comma needs the field quoted), trimmed, empty ones dropped. */
  const list = (field: string) =>
    row[field]
      ? row[field]
          .split(/[;,]/)
          .map((item) => item.trim())
          .filter(Boolean)
      : [];
  const choice = (field: string, options: readonly string[]): string | null => {
    const raw = text(field);
    if (raw === null) return null;
    if (!options.includes(raw.toLowerCase())) fail(field, `"${raw}" is not one of ${options.join(', ')}`);
    return raw.toLowerCase();
  };
  const country = (field: string): string | null => {
    const raw = text(field);
    if (raw === null) return null;
    const problem = countryCodeProblem(raw);
    if (problem !== null) fail(field, problem);
    return raw.toUpperCase();
  };
  const instant = (field: string): string | null => {
    const raw = text(field);
    const problem = raw === null ? null : instantProblem(raw);
    if (problem !== null) fail(field, problem);
    return raw;
  };
  const location = (): { latitude: number | null; longitude: number | null } => {
    const [latitude, longitude] = (['latitude', 'longitude'] as const).map((field) => {
      const raw = text(field);
      const problem = raw === null ? null : coordinateProblem(raw, field);
      if (problem !== null) fail(field, problem);
      return raw === null ? null : Number(raw);
    });
    if ((latitude === null) !== (longitude === null))
      fail(latitude === null ? 'latitude' : 'longitude', 'latitude and longitude go together');
    return { latitude, longitude };
  };
  return { fail, text, number, list, choice, country, instant, location };
}

function readPartners(path: string): RoutingPartner[] {
  const name = basename(path);
  const seen = new Map<string, number>();
  return readCsv(path, partnerColumns, ['id', 'name']).map(({ line, row }) => {
    const { fail, text, number, list, choice, country, location } = fieldReader(name, line, row);
    if (!row.id) fail('id', 'is empty');
    if (!row.name) fail('name', `is empty for partner ${row.id}`);
    const earlier = seen.get(row.id);
    if (earlier !== undefined) fail('id', `${row.id} already appears on line ${earlier}`);
    seen.set(row.id, line);
    const timeZone = text('timeZone');
    const zoneProblem = timeZone === null ? null : timeZoneProblem(timeZone);
    if (zoneProblem !== null) fail('timeZone', zoneProblem);
    const acceptsLeads = row.acceptsLeads ? row.acceptsLeads.toLowerCase() : 'true';
    if (acceptsLeads !== 'true' && acceptsLeads !== 'false')
      fail('acceptsLeads', `must be true or false, not "${row.acceptsLeads}"`);
    const certifications = list('certifications').map((entry) => {
      const [certification, expiresOn] = entry.split('@').map((part) => part.trim());
      if (expiresOn !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(expiresOn)) {
        fail('certifications', `expiry of ${certification} must be a date as YYYY-MM-DD, not "${expiresOn}"`);
      }
      return { name: certification, expiresOn: expiresOn ?? null };
    });
    return {
      id: row.id,
      name: row.name,
      status: choice('status', partnerStatuses) ?? 'active',
      tier: text('tier'),
      country: country('country'),
      region: text('region'),
      postalCode: text('postalCode'),
      ...location(),
      timeZone,
      specialisations: list('specialisations'),
      industries: list('industries'),
      products: list('products'),
      segment: choice('segment', partnerSegments),
      certifications,
      leadCapacity: number('leadCapacity', 0, 1_000_000, true),
      periodCapacity: number('periodCapacity', 0, 1_000_000, true),
      leadWeight: number('leadWeight', 0, 100, true),
      acceptsLeads: acceptsLeads === 'true',
      acceptanceRate: number('acceptanceRate', 0, 1),
      conversionRate: number('conversionRate', 0, 1),
      slaCompliance: number('slaCompliance', 0, 1),
    };
  });
}

function readLeads(path: string): (RoutingLead & { line: number; receivedAt: string | null })[] {
  const name = basename(path);
  const seen = new Map<string, number>();
  return readCsv(path, leadColumns, ['id']).map(({ line, row }) => {
    const { fail, text, number, country, instant, location } = fieldReader(name, line, row);
    if (!row.id) fail('id', 'is empty');
    const earlier = seen.get(row.id);
    if (earlier !== undefined) fail('id', `${row.id} already appears on line ${earlier}`);
    seen.set(row.id, line);
    return {
      line,
      id: row.id,
      company: text('company'),
      country: country('country'),
      region: text('region'),
      postalCode: text('postalCode'),
      ...location(),
      industry: text('industry'),
      employees: number('employees', 0, 10_000_000, true),
      productInterest: text('productInterest'),
      receivedAt: instant('receivedAt'),
    };
  });
}

/** The line on which each JSON value starts, by path (`rules.2.operator`), so errors can point at it. */
function jsonLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let at = 0;
  let line = 1;
  const skip = () => {
    while (at < text.length && /\s/.test(text[at])) if (text[at++] === '\n') line += 1;
  };
  const string = () => {
    const start = at++;
    while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    at += 1;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const value = (path: string) => {
    skip();
    lines.set(path, line);
    const join = (key: string | number) => (path ? `${path}.${key}` : String(key));
    if (text[at] === '{') {
      at += 1;
      skip();
      while (text[at] !== '}') {
        skip();
        const key = string();
        skip();
        at += 1; // the colon
        value(join(key));
        skip();
        if (text[at] === ',') at += 1;
        skip();
      }
      at += 1;
    } else if (text[at] === '[') {
      at += 1;
      let index = 0;
      skip();
      while (text[at] !== ']') {
        value(join(index++));
        skip();
        if (text[at] === ',') at += 1;
        skip();
      }
      at += 1;
    } else if (text[at] === '"') string();
    else while (at < text.length && !/[\s,\]}]/.test(text[at])) at += 1;
  };
  value('');
  return lines;
}

function readChain(path: string): RoutingChain {
  const name = basename(path);
  const text = readText(path);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : '?';
    throw new UsageError(`${name} line ${line}: not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseRoutingChain(data);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const lines = jsonLines(text);
    const lineOf = (field: string) => {
      // A missing field has no line of its own: point at the nearest enclosing value that exists.
      for (let path = field; ; path = path.slice(0, Math.max(0, path.lastIndexOf('.')))) {
        const line = lines.get(path === '(root)' ? '' : path);
        if (line !== undefined || path === '') return line ?? 1;
      }
    };
    throw new UsageError(
      error.problems
        .map((problem) => `${name} line ${lineOf(problem.field)}, field ${problem.field}: ${problem.message}`)
        .join('\n'),
    );
  }
}

export async function run(argv: string[]): Promise<number> {
  let values: { partners?: string; rules?: string; leads?: string; now?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        partners: { type: 'string' },
        rules: { type: 'string' },
        leads: { type: 'string' },
        now: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
  if (!values.partners || !values.rules || !values.leads)
    throw new UsageError(`--partners, --rules and --leads are required.\n${usage}`);
  const nowProblem = values.now === undefined ? null : instantProblem(values.now);
  if (nowProblem !== null) throw new UsageError(`--now: ${nowProblem}`);

  const partners = readPartners(values.partners);
  const chain = readChain(values.rules);
  const leads = readLeads(values.leads);
  let compiled;
  try {
    compiled = compileRouting(partners, chain);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new UsageError(
      error.problems
        .map((problem) => {
          const match = /^partners\.(\d+)\.(\w+)$/.exec(problem.field);
          // Partner rows start on line 2 unless quoted fields span lines; the id names the row either way.
          return match
            ? `${basename(values.partners!)} partner ${partners[Number(match[1])].id}, field ${match[2]}: ${problem.message}`
            : `${basename(values.rules!)} field ${problem.field}: ${problem.message}`;
        })
        .join('\n'),
    );
  }
  // Without --now or receivedAt, the run uses the clock, so its SLA deadlines differ between runs.
  const clock = new Date().toISOString();
  let state = initialRoutingState(compiled.ids);
  let out = '';
  for (const lead of leads) {
    const now = values.now ?? lead.receivedAt ?? clock;
    const step = offerLead(compiled, lead, newLeadRouting(lead.id), state, now);
    state = step.state;
    const decision = step.routing.decisions[step.routing.decisions.length - 1];
    out += `${JSON.stringify({
      lead: lead.id,
      outcome: decision.outcome,
      partners: decision.partners,
      offers: step.routing.offers.map((offer) => ({
        partner: offer.partner,
        offeredAt: offer.offeredAt,
        respondBy: offer.respondBy,
      })),
      fallback: decision.fallback,
      fallbackReason: decision.fallbackReason,
      explanation: decision.explanation,
    })}\n`;
  }
  process.stdout.write(out);
  return 0;
}
