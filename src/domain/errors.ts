// Every expected failure has a stable code, a message that says what to do next, and safe metadata only
// (ids and codes, never contact data). The web layer turns them into `{ error: { code, message } }` (Nango).

export const errorCodes = {
  'LEAD.NOT_FOUND': 404,
  'LEAD.INVALID_TRANSITION': 409,
  'OFFER.NOT_FOUND': 404,
  'OFFER.ALREADY_TAKEN': 409,
  'OFFER.NOT_OFFERED_TO_PARTNER': 403,
  'OFFER.DECLINED': 409,
  'OFFER.EXPIRED': 409,
  'PARTNER.NOT_FOUND': 404,
  'PARTNER.INACTIVE': 403,
  'FEEDBACK.OVERDUE': 423,
  'FEEDBACK.INVALID': 400,
  'FEEDBACK.NOT_RESERVED_BY_PARTNER': 403,
  'PLAN.INVALID': 400,
  'PLAN.NOT_ALLOWED': 403,
  'PLAN.LEAD_NOT_RESERVED': 409,
  'AWAY.INVALID': 400,
  'AWAY.NOT_FOUND': 404,
  'POINTS.INVALID_PERIOD': 400,
  'MAPPING.INVALID_VALUE': 422,
  'MAPPING.MISSING_FIELD': 422,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface DomainError {
  readonly code: ErrorCode;
  readonly message: string;
  /** Ids, statuses and counts only: this is logged and shown. */
  readonly meta?: Readonly<Record<string, string | number | boolean | readonly string[] | null>>;
}

export function domainError(code: ErrorCode, message: string, meta?: DomainError['meta']): DomainError {
  return meta === undefined ? { code, message } : { code, message, meta };
}

export function httpStatusOf(code: ErrorCode): number {
  return errorCodes[code];
}
