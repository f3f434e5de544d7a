// JSON: the Report as is (dates as ISO strings, money in integer cents), for scripts and the web API.
import type { Report } from './model.ts';

export function reportToJson(report: Report): unknown {
  return JSON.parse(JSON.stringify(report)) as unknown;
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
