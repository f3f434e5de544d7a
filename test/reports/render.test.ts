// Renderers on a small report computed from hand-made facts, with hostile text in every data field.
import { describe, expect, it } from 'vitest';
import type { ReportData, ReportLead } from '../../src/domain/report-data.ts';
import { computeReport } from '../../src/reports/kpis.ts';
import { parsePeriod } from '../../src/reports/period.ts';
import { csvText, renderCsv } from '../../src/reports/render-csv.ts';
import { escapeHtml, htmlBarChart, renderHtml } from '../../src/reports/render-html.ts';
import { renderJson } from '../../src/reports/render-json.ts';
import { renderTable } from '../../src/reports/render-table.ts';
import { formatCents } from '../../src/reports/format.ts';

const t = (s: string): number => Date.parse(`2026-11-${s}:00.000Z`);
const lead = (id: string, company: string): ReportLead => ({
  id, status: 'won', partnerId: null, feedbackDueAtMs: null, temperature: 'hot', company, country: 'DE', region: null,
  products: [], source: null, campaign: null, budgetCents: null,
});
const data: ReportData = {
  partners: [
    { id: 'p1', name: '=HYPERLINK("http://evil.test","click")', externalId: '+49 123', parentId: null, kind: 'reseller', active: true },
    { id: 'p2', name: 'Smith, "Sons" <script>alert(1)</script>\nLtd', externalId: '@SUM(A1)', parentId: null, kind: 'reseller', active: true },
  ],
  leads: [lead('l1', 'ACME & Co'), { ...lead('l2', '<b>bold</b>'), status: 'expired' }],
  offers: [
    { leadId: 'l1', partnerId: 'p1', status: 'reserved', offeredAtMs: t('16T09:00'), closedAtMs: t('16T10:30') },
    { leadId: 'l2', partnerId: 'p2', status: 'expired', offeredAtMs: t('16T09:00'), closedAtMs: t('17T09:00') },
  ],
  events: [
    { leadId: 'l1', type: 'reserved', atMs: t('16T10:30'), partnerId: 'p1', dueAtMs: null },
    { leadId: 'l1', type: 'feedback', atMs: t('18T10:30'), partnerId: 'p1', dueAtMs: t('18T10:30') },
    { leadId: 'l2', type: 'escalated', atMs: t('17T09:00'), partnerId: null, dueAtMs: null },
  ],
  feedback: [{ leadId: 'l1', partnerId: 'p1', status: 'won', amountCents: 100_001, lostReason: null, atMs: t('18T10:30') }],
  points: [{ partnerId: 'p1', leadId: 'l1', points: -5, atMs: t('18T11:00') }],
  away: [],
};
const asOf = new Date('2026-11-27T12:00:00Z');
const report = computeReport(data, {
  period: parsePeriod('2026-W47', asOf), slice: { kind: 'all' }, sliceLabel: 'All <partners>', asOf,
  scope: { partnerIds: null, lead: null, territory: null },
});

describe('computed small report', () => {
  it('has the figures the renderers show', () => {
    expect(report.kpis).toMatchObject({ reserved: 1, won: 1, wonAmountCents: 100_001, averageDealDays: 2, feedbackCompliance: 1, pointsEarned: -5, expired: 1 });
    expect(report.kpis.timeToReserve).toEqual({ samples: 1, medianHours: 1.5, p90Hours: 1.5 });
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180 and neutralises formulas in text cells', () => {
    expect(csvText('plain')).toBe('plain');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
    expect(csvText('=1+1')).toBe("'=1+1");
    expect(csvText('+49')).toBe("'+49");
    expect(csvText('-2')).toBe("'-2");
    expect(csvText('@x')).toBe("'@x");
    expect(csvText('\tx')).toBe("'\tx");
    expect(csvText('=A1,"x"')).toBe(`"'=A1,""x"""`);
  });

  it('one row per partner plus a total, CRLF, money as units, negative numbers stay numbers', () => {
    const csv = renderCsv(report);
    expect(csv.endsWith('\r\n')).toBe(true);
    const header = csv.split('\r\n')[0]!.split(',');
    expect(header[0]).toBe('partner_id');
    const p1 = csv.split('\r\n').find((l) => l.startsWith('p1,'))!;
    expect(p1.startsWith(`p1,'+49 123,"'=HYPERLINK(""http://evil.test"",""click"")",`)).toBe(true);
    const cells = p1.replace(/^p1,'\+49 123,"[^\n]*?\)",/, '').split(',');
    const col = (name: string): string => cells[header.indexOf(name) - 3]!;
    expect([col('won'), col('won_amount'), col('average_deal_size'), col('points'), col('conversion_rate')]).toEqual(['1', '1000.01', '1000.01', '-5', '1']);
    // p2's name contains a newline: inside quotes, so the CSV still has 2 partner records + header + total.
    expect(csv).toContain(`"Smith, ""Sons"" <script>alert(1)</script>\nLtd"`);
    expect(csv).toContain(`'@SUM(A1)`);
    expect(csv.split('\r\n').filter((l) => l !== '')).toHaveLength(4);
    expect(csv.split('\r\n').at(-2)!.startsWith(',,Total: All <partners>,')).toBe(true);
  });
});

describe('HTML (mail-safe)', () => {
  const html = renderHtml(report, { link: 'https://leads.example.test/reports?period=2026-W47&slice=all' });

  it('escapes every data text and contains no script, style block, image or external resource', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/<img|<link|src=|url\(/i);
    expect(html).toContain('Smith, &quot;Sons&quot; &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('All &lt;partners&gt;');
    expect(html).toContain('href="https://leads.example.test/reports?period=2026-W47&amp;slice=all"');
    // The only link is ours.
    expect(html.match(/href=/g)).toHaveLength(1);
  });

  it('shows the figures, the blocked/escalation insights and bar charts as table cells', () => {
    expect(html).toContain('1,000.01');
    expect(html).toContain('Escalated without a taker');
    expect(html).toContain('l2');
    expect(html).toMatch(/bgcolor="#3e7bfa"/);
  });

  it('refuses non-http links', () => {
    expect(() => renderHtml(report, { link: 'javascript:alert(1)' })).toThrow('must be http(s)');
    expect(() => renderHtml(report, { link: '/relative' })).toThrow('is not an absolute URL');
  });

  it('bar widths are proportional; zero draws no bar', () => {
    const chart = htmlBarChart([{ label: 'a', value: 10 }, { label: 'b', value: 5 }, { label: 'c', value: 0 }], { width: 200 });
    expect([...chart.matchAll(/<td width="(\d+)" height="14"/g)].map((m) => m[1])).toEqual(['200', '100']);
    expect(escapeHtml(`<'&">`)).toBe('&lt;&#39;&amp;&quot;&gt;');
  });
});

describe('table and JSON', () => {
  it('table shows the period, KPIs against the previous period, and cleans control characters', () => {
    const text = renderTable(report);
    expect(text).toContain('2026-W47');
    expect(text).toContain('2026-W46');
    expect(text).toMatch(/Won amount\s+1,000.01\s+0.00\s+\+1,000.01/);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('Smith, "Sons" <script>alert(1)</script>?Ltd');
  });

  it('JSON round-trips with ISO dates and integer cents', () => {
    const back = JSON.parse(renderJson(report)) as { period: { from: string }; kpis: { wonAmountCents: number } };
    expect(back.period.from).toBe('2026-11-16T00:00:00.000Z');
    expect(back.kpis.wonAmountCents).toBe(100_001);
  });

  it('formats cents exactly', () => {
    expect([formatCents(0), formatCents(5), formatCents(-5), formatCents(123_456_789), formatCents(1_234_567, { grouping: false })])
      .toEqual(['0.00', '0.05', '-0.05', '1,234,567.89', '12345.67']);
  });
});
