// One switch from a format name to its renderer (CLI, web downloads).
import type { Report, ReportFormat } from './model.ts';
import { renderCsv } from './render-csv.ts';
import type { RenderHtmlOptions } from './render-html.ts';
import { renderHtml } from './render-html.ts';
import { renderJson } from './render-json.ts';
import { renderTable } from './render-table.ts';

export function renderReport(report: Report, format: ReportFormat, html: RenderHtmlOptions = {}): string {
  switch (format) {
    case 'table': return renderTable(report);
    case 'csv': return renderCsv(report);
    case 'json': return renderJson(report);
    case 'html': return renderHtml(report, html);
  }
}
