import { escapeCardText, text, type CardElement } from './card';

export interface BarRow {
  label: string;
  value: number;
  /** Shown after the bar, e.g. "12 families · 3 shares". */
  caption?: string;
}

/**
 * A horizontal bar chart drawn with card elements: each bar is a ColumnSet whose coloured column's
 * width weight is the value and whose blank column takes the rest, so it scales on any screen.
 */
export function barChart(title: string, rows: BarRow[], style: 'accent' | 'good' | 'warning' | 'attention' = 'accent'): CardElement {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const items: CardElement[] = [text(title, { weight: 'Bolder', spacing: 'Medium' })];
  if (rows.length === 0) items.push(text('Nothing to show yet.', { isSubtle: true }));
  for (const r of rows) {
    // Weights are integers out of 100; a non-zero value always gets at least a sliver so it is visible.
    const filled = r.value > 0 ? Math.max(2, Math.round((r.value / max) * 100)) : 0;
    const columns: CardElement[] = [];
    if (filled > 0) {
      columns.push({ type: 'Column', width: String(filled), style, minHeight: '14px', items: [] });
    }
    if (filled < 100) columns.push({ type: 'Column', width: String(100 - filled), items: [] });
    items.push({
      type: 'ColumnSet',
      spacing: 'Small',
      columns: [
        // Labels can be what people typed (the other agency): never markdown.
        { type: 'Column', width: '35', items: [text(escapeCardText(r.label), { size: 'Small', spacing: 'None' })], verticalContentAlignment: 'Center' },
        { type: 'Column', width: '45', verticalContentAlignment: 'Center', items: [{ type: 'ColumnSet', columns }] },
        {
          type: 'Column',
          width: '20',
          verticalContentAlignment: 'Center',
          items: [text(r.caption ?? String(r.value), { size: 'Small', spacing: 'None', isSubtle: true })],
        },
      ],
    });
  }
  return { type: 'Container', items };
}
