import { AGENCY_TYPES, SHARE_METHODS, agencyLabel, methodLabel, type SurveyReport, type SurveyShare } from './survey.types';

/** Reach by agency type (every type listed, zeros included), by month (oldest first) and by method. */
export function aggregateShares(shares: SurveyShare[]): SurveyReport {
  const add = (row: { shares: number; families: number }, s: SurveyShare) => {
    row.shares += 1;
    row.families += s.families;
  };
  const total = { shares: 0, families: 0 };
  const byAgency = AGENCY_TYPES.map((a) => ({ agencyType: a.value, label: a.label, shares: 0, families: 0 }));
  const byMethod = SHARE_METHODS.map((m) => ({ method: m.value, label: m.label, shares: 0, families: 0 }));
  const months = new Map<string, { month: string; shares: number; families: number }>();
  for (const s of shares) {
    add(total, s);
    const a = byAgency.find((x) => x.agencyType === s.agencyType);
    if (a) add(a, s);
    const m = byMethod.find((x) => x.method === s.method);
    if (m) add(m, s);
    const mo = months.get(s.month) ?? { month: s.month, shares: 0, families: 0 };
    add(mo, s);
    months.set(s.month, mo);
  }
  const byMonth = [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
  return { total, byAgency, byMonth, byMethod };
}

/** Spreadsheet apps run cells that start with = + - @ as formulas; a leading quote keeps them text. */
function csvCell(value: string | number): string {
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One line per month × agency type × method with share and family counts (aggregates only, so the
 * file is safe to pass around). CRLF line ends, as RFC 4180 and Excel expect.
 */
export function sharesCsv(shares: SurveyShare[]): string {
  const groups = new Map<string, { month: string; agency: string; method: string; shares: number; families: number }>();
  for (const s of shares) {
    const key = `${s.month}|${s.agencyType}|${s.method}`;
    const g = groups.get(key) ?? { month: s.month, agency: agencyLabel(s.agencyType), method: methodLabel(s.method), shares: 0, families: 0 };
    g.shares += 1;
    g.families += s.families;
    groups.set(key, g);
  }
  const rows = [...groups.values()].sort(
    (a, b) => a.month.localeCompare(b.month) || a.agency.localeCompare(b.agency) || a.method.localeCompare(b.method),
  );
  const lines = [['Month', 'Agency type', 'How shared', 'Shares logged', 'Families reached']];
  for (const r of rows) lines.push([r.month, r.agency, r.method, String(r.shares), String(r.families)]);
  return lines.map((l) => l.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
