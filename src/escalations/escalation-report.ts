import { typeLabel, OPEN_STATUSES, type EscalationRecord } from './escalation.types';

export interface CountRow {
  key: string;
  label: string;
  count: number;
}
export interface EscalationReport {
  open: number;
  openUrgent: number;
  resolved: number;
  byAge: CountRow[];
  byType: CountRow[];
  byAgency: CountRow[];
}

const DAY = 86_400_000;
export const AGE_BANDS = [
  { key: 'lt1d', label: 'Under 1 day', maxDays: 1 },
  { key: '1-3d', label: '1 to 3 days', maxDays: 4 },
  { key: '4-7d', label: '4 to 7 days', maxDays: 8 },
  { key: '8-28d', label: '8 to 28 days', maxDays: 29 },
  { key: 'gt28d', label: 'Over 28 days', maxDays: Infinity },
] as const;

function countBy(records: EscalationRecord[], keyOf: (r: EscalationRecord) => string, labelOf: (r: EscalationRecord) => string): CountRow[] {
  const m = new Map<string, CountRow>();
  for (const r of records) {
    const key = keyOf(r);
    const row = m.get(key) ?? { key, label: labelOf(r), count: 0 };
    row.count += 1;
    m.set(key, row);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** Open escalations by age (calendar days since raised), type and other agency (case-insensitive). */
export function buildEscalationReport(all: EscalationRecord[], now: Date): EscalationReport {
  const open = all.filter((r) => OPEN_STATUSES.includes(r.status));
  const byAge = AGE_BANDS.map((b) => ({ key: b.key, label: b.label, count: 0 }));
  for (const r of open) {
    const days = (now.getTime() - new Date(r.createdAt).getTime()) / DAY;
    const i = AGE_BANDS.findIndex((b) => days < b.maxDays);
    byAge[i].count += 1;
  }
  return {
    open: open.length,
    openUrgent: open.filter((r) => r.urgent).length,
    resolved: all.length - open.length,
    byAge,
    byType: countBy(open, (r) => r.type, (r) => typeLabel(r.type)),
    byAgency: countBy(open, (r) => r.otherAgency.trim().toLowerCase().replace(/\s+/g, ' '), (r) => r.otherAgency.trim()),
  };
}
