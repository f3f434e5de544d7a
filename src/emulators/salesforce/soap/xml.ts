// Minimal SOAP plumbing: parse a request envelope (namespaces stripped), build response envelopes and faults in
// the shape jsforce reads (it looks up *:Envelope → *:Body → first child, so the Body carries no attributes, and
// detects session expiry from a 500 whose faultcode is sf:INVALID_SESSION_ID).
import { XMLParser } from 'fast-xml-parser';
import type { Res } from '../http/http.ts';
import { xml } from '../http/http.ts';

export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
export const PARTNER_NS = 'urn:partner.soap.sforce.com';

const parser = new XMLParser({
  ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@_', parseTagValue: false,
  parseAttributeValue: false, trimValues: true,
});

export interface SoapRequest {
  op: string;
  args: Record<string, unknown>;
  sessionId: string | undefined;
}

export class SoapFault extends Error {
  constructor(readonly faultcode: string, readonly exceptionCode: string, message: string, readonly status = 500) {
    super(message);
    this.name = 'SoapFault';
  }
}

export function parseEnvelope(body: string): SoapRequest {
  let doc: unknown;
  try {
    doc = parser.parse(body);
  } catch {
    throw new SoapFault('soapenv:Client', 'INVALID_XML', 'Unable to parse the request envelope');
  }
  const env = obj(obj(doc).Envelope);
  const header = obj(env.Header);
  const bodyEl = obj(env.Body);
  const op = Object.keys(bodyEl).find((k) => !k.startsWith('@_'));
  if (!op) throw new SoapFault('soapenv:Client', 'INVALID_XML', 'Missing SOAP body');
  const session = obj(header.SessionHeader).sessionId;
  return { op, args: obj(bodyEl[op]), sessionId: typeof session === 'string' ? session : undefined };
}

export function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function list(v: unknown): unknown[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

/** Element text, or undefined for absent / xsi:nil elements. */
export function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const o = obj(v);
  if (o['@_nil'] === 'true') return undefined;
  const t = o['#text'];
  return typeof t === 'string' ? t : undefined;
}

export function bool(v: unknown): boolean | undefined {
  const t = text(v);
  return t === undefined ? undefined : t === 'true';
}

export function num(v: unknown): number | undefined {
  const t = text(v);
  return t === undefined || t.trim() === '' || Number.isNaN(Number(t)) ? undefined : Number(t);
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A value for toXml: keys starting with '@' become attributes, arrays repeat the element, null is xsi:nil. */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [key: string]: XmlValue };

export function toXml(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  if (value === null) return `<${name} xsi:nil="true"/>`;
  if (typeof value !== 'object') return `<${name}>${esc(String(value))}</${name}>`;
  const attrs = Object.entries(value).filter(([k]) => k.startsWith('@')).map(([k, v]) => ` ${k.slice(1)}="${esc(typeof v === 'object' ? '' : String(v))}"`).join('');
  const inner = Object.entries(value).filter(([k]) => !k.startsWith('@')).map(([k, v]) => toXml(k, v)).join('');
  return `<${name}${attrs}>${inner}</${name}>`;
}

export function envelope(ns: string, bodyXml: string, headerXml = ''): string {
  return '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="${ns}" ` +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    (headerXml ? `<soapenv:Header>${headerXml}</soapenv:Header>` : '') +
    `<soapenv:Body>${bodyXml}</soapenv:Body></soapenv:Envelope>`;
}

export function faultResponse(fault: SoapFault, faultNs: string): Res {
  const detail = fault.faultcode.startsWith('sf:')
    ? `<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>${esc(fault.exceptionCode)}</sf:exceptionCode>` +
      `<sf:exceptionMessage>${esc(fault.message)}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>`
    : '';
  const body = '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="${faultNs}" ` +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>' +
    `<faultcode>${esc(fault.faultcode)}</faultcode><faultstring>${esc(fault.faultcode.startsWith('sf:') ? `${fault.exceptionCode}: ${fault.message}` : fault.message)}</faultstring>` +
    `${detail}</soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
  return xml(fault.status, body);
}

export const PARTNER_FAULT_NS = 'urn:fault.partner.soap.sforce.com';
