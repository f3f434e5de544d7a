// Partner SOAP API at /services/Soap/u/{version}: convertLead (what jsforce's conn.soap.convertLead sends), plus
// getServerTimestamp / getUserInfo. Conversion follows Salesforce: Account from the Lead's company and address,
// Contact from the person, Opportunity "<Company>-" unless doNotCreateOpportunity, then the Lead becomes
// read-only with IsConverted and the Converted* ids.
// https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_convertlead.htm
import type { Dml } from '../data/dml.ts';
import { formatDate, formatDateTime } from '../data/values.ts';
import type { ErrorItem } from '../http/errors.ts';
import type { Org } from '../org.ts';
import { bool, list, obj, SoapFault, text, toXml } from './xml.ts';
import type { XmlValue } from './xml.ts';

const MAX_CONVERTS = 100;

type ConvertOutcome = { ok: true; accountId: string; contactId: string; opportunityId: string | null } | { ok: false; errors: ErrorItem[] };

const failed = (statusCode: string, message: string): ConvertOutcome => ({ ok: false, errors: [{ statusCode, message, fields: [] }] });

/** Last day of the current calendar quarter, the default close date of a converted opportunity. */
function quarterEnd(nowMs: number): string {
  const d = new Date(nowMs);
  const endMonth = Math.floor(d.getUTCMonth() / 3) * 3 + 3;
  return formatDate(Date.UTC(d.getUTCFullYear(), endMonth, 1) - 86_400_000);
}

function existing(org: Org, dml: Dml, type: string, rawId: string): string | ErrorItem {
  const s = org.schema.object(type);
  if (!s) return { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] };
  const found = dml.locate(s, rawId);
  if ('success' in found) return found.errors[0] ?? { statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] };
  return found.id;
}

function convertOne(org: Org, dml: Dml, userId: string, lc: Record<string, unknown>): ConvertOutcome {
  const leadSchema = org.schema.object('Lead');
  if (!leadSchema) return failed('INVALID_TYPE', 'Lead is not available');
  const found = dml.locate(leadSchema, text(lc.leadId) ?? '');
  if ('success' in found) return { ok: false, errors: found.errors };
  const lead = found.row;
  if (lead.IsConverted === true) return failed('CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead');
  const status = text(lc.convertedStatus) ?? '';
  const statusOk = (org.schema.valueSet('LeadStatus') ?? []).some((v) => v.value === status && v.converted === true && v.active !== false);
  if (!statusOk) return failed('INVALID_STATUS', `invalid convertedStatus: ${status}`);
  const ownerId = text(lc.ownerId) ?? (typeof lead.OwnerId === 'string' ? lead.OwnerId : userId);
  const opts = { userId };
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

  let accountId = text(lc.accountId);
  if (accountId) {
    const a = existing(org, dml, 'Account', accountId);
    if (typeof a !== 'string') return { ok: false, errors: [a] };
    accountId = a;
  } else {
    const s = org.schema.object('Account');
    const r = s ? dml.create(s, {
      Name: lead.Company, BillingStreet: lead.Street, BillingCity: lead.City, BillingState: lead.State,
      BillingPostalCode: lead.PostalCode, BillingCountry: lead.Country, Phone: lead.Phone, Website: lead.Website,
      Industry: lead.Industry, AnnualRevenue: lead.AnnualRevenue, NumberOfEmployees: lead.NumberOfEmployees, OwnerId: ownerId,
    }, opts) : undefined;
    if (!r?.success) return { ok: false, errors: r && !r.success ? r.errors : [] };
    accountId = r.id;
  }
  let contactId = text(lc.contactId);
  if (contactId) {
    const c = existing(org, dml, 'Contact', contactId);
    if (typeof c !== 'string') return { ok: false, errors: [c] };
    contactId = c;
  } else {
    const s = org.schema.object('Contact');
    const r = s ? dml.create(s, {
      FirstName: lead.FirstName, LastName: lead.LastName, AccountId: accountId, Email: lead.Email, Phone: lead.Phone,
      MobilePhone: lead.MobilePhone, Title: lead.Title, LeadSource: lead.LeadSource, MailingStreet: lead.Street,
      MailingCity: lead.City, MailingState: lead.State, MailingPostalCode: lead.PostalCode, MailingCountry: lead.Country,
      Description: lead.Description, OwnerId: ownerId,
    }, opts) : undefined;
    if (!r?.success) return { ok: false, errors: r && !r.success ? r.errors : [] };
    contactId = r.id;
  }
  let opportunityId: string | null = null;
  if (bool(lc.doNotCreateOpportunity) !== true) {
    const s = org.schema.object('Opportunity');
    const stages = org.schema.valueSet('OpportunityStage') ?? [];
    const stage = stages.find((v) => v.defaultValue === true && v.closed !== true) ?? stages.find((v) => v.closed !== true);
    const r = s ? dml.create(s, {
      Name: text(lc.opportunityName) ?? `${str(lead.Company) ?? ''}-`, StageName: stage?.value ?? null,
      CloseDate: quarterEnd(org.nowMs()), AccountId: accountId, LeadSource: lead.LeadSource, OwnerId: ownerId,
    }, opts) : undefined;
    if (!r?.success) return { ok: false, errors: r && !r.success ? r.errors : [] };
    opportunityId = r.id;
  }
  const now = org.stampMs();
  const converted = {
    IsConverted: true, ConvertedAccountId: accountId, ConvertedContactId: contactId, ConvertedOpportunityId: opportunityId,
    ConvertedDate: formatDate(now), Status: status,
  };
  org.store.put(org.store.table(leadSchema), found.id, { ...lead, ...converted, LastModifiedDate: now, SystemModstamp: now, LastModifiedById: userId });
  org.store.log({ at: new Date(now).toISOString(), op: 'convert', sobject: 'Lead', id: found.id, fields: converted });
  return { ok: true, accountId, contactId, opportunityId };
}

function convertLead(org: Org, dml: Dml, userId: string, args: Record<string, unknown>): string {
  const converts = list(args.leadConverts).map(obj);
  if (converts.length > MAX_CONVERTS) {
    throw new SoapFault('sf:EXCEEDED_ID_LIMIT', 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_CONVERTS} records into this call`);
  }
  const results = converts.map((lc): Record<string, XmlValue> => {
    const sp = org.store.begin();
    const r = convertOne(org, dml, userId, lc);
    if (r.ok) {
      org.store.commit(sp);
      return { accountId: r.accountId, contactId: r.contactId, leadId: text(lc.leadId) ?? null, opportunityId: r.opportunityId, success: true };
    }
    org.store.rollback(sp);
    return {
      accountId: null, contactId: null,
      errors: r.errors.map((e) => ({ fields: e.fields, message: e.message, statusCode: e.statusCode })),
      leadId: null, opportunityId: null, success: false,
    };
  });
  return `<convertLeadResponse>${results.map((r) => toXml('result', r)).join('')}</convertLeadResponse>`;
}

/** Handles one partner SOAP operation for an authenticated user; returns the <opResponse> XML. */
export function partnerCall(org: Org, dml: Dml, userId: string, op: string, args: Record<string, unknown>): string {
  switch (op) {
    case 'convertLead': return convertLead(org, dml, userId, args);
    case 'getServerTimestamp':
      return `<getServerTimestampResponse>${toXml('result', { timestamp: formatDateTime(org.nowMs()).replace('+0000', 'Z') })}</getServerTimestampResponse>`;
    case 'getUserInfo': {
      const u = org.userById(userId);
      return `<getUserInfoResponse>${toXml('result', {
        accessibilityMode: false, currencySymbol: '$', orgAttachmentFileSizeLimit: 5242880, orgDefaultCurrencyIsoCode: 'USD',
        orgDisallowHtmlAttachments: false, orgHasPersonAccounts: false, organizationId: org.orgId,
        organizationMultiCurrency: false, organizationName: 'leadrelay emulator', profileId: '00e5g000000AbCdAAK',
        roleId: null, sessionSecondsValid: 7200, userDefaultCurrencyIsoCode: null, userEmail: u?.username ?? '',
        userFullName: u?.username ?? '', userId, userLanguage: 'en_US', userLocale: 'en_US', userName: u?.username ?? '',
        userTimeZone: 'GMT', userType: 'Standard', userUiSkin: 'Theme3',
      })}</getUserInfoResponse>`;
    }
    default:
      throw new SoapFault('soapenv:Client', 'INVALID_OPERATION', `No operation available for request {urn:partner.soap.sforce.com}${op}`);
  }
}
