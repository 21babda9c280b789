/** The partnership's relevant agencies, as offered on the "Log that I shared it" form. */
export const AGENCY_TYPES = [
  { value: 'education', label: 'Education' },
  { value: 'early-years', label: 'Early years' },
  { value: 'health', label: 'Health' },
  { value: 'police', label: 'Police' },
  { value: 'childrens-services', label: "Children's services" },
  { value: 'probation', label: 'Probation' },
  { value: 'youth-justice', label: 'Youth justice' },
  { value: 'voluntary-community', label: 'Voluntary and community sector' },
  { value: 'faith', label: 'Faith groups' },
  { value: 'sport-leisure', label: 'Sport and leisure' },
  { value: 'other', label: 'Other' },
] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number]['value'];

export const SHARE_METHODS = [
  { value: 'in-person', label: 'In person / QR code' },
  { value: 'email', label: 'Email' },
  { value: 'text', label: 'Text message' },
  { value: 'letter', label: 'Letter' },
] as const;
export type ShareMethod = (typeof SHARE_METHODS)[number]['value'];

export const agencyLabel = (v: string) => AGENCY_TYPES.find((a) => a.value === v)?.label ?? v;
export const methodLabel = (v: string) => SHARE_METHODS.find((a) => a.value === v)?.label ?? v;

/** Most families one practitioner could plausibly reach in one go (a school letter to every family). */
export const MAX_FAMILIES_PER_SHARE = 2000;

export interface SurveyLink {
  url: string;
  setAt: string;
  /** Entra object id of the admin who set it (staff, never a parent). */
  setBy: string;
}

/**
 * One logged share. Deliberately anonymous: nothing about the parent or child, and not even the
 * practitioner's identity (the Subgroup wants reach, not who shared).
 */
export interface SurveyShare {
  submissionId: string;
  agencyType: AgencyType;
  setting?: string;
  families: number;
  method: ShareMethod;
  /** Month the sharing happened, YYYY-MM (London). */
  month: string;
  loggedAt: string;
}

export interface ReachRow {
  shares: number;
  families: number;
}
export interface SurveyReport {
  total: ReachRow;
  byAgency: (ReachRow & { agencyType: AgencyType; label: string })[];
  byMonth: (ReachRow & { month: string })[];
  byMethod: (ReachRow & { method: ShareMethod; label: string })[];
}
