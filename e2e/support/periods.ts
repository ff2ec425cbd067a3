/**
 * The next half-month period in the default calendar (Asia/Shanghai, H1 due by the 12th): the latest
 * period a party organisation may start a report for ahead of time (docs/adr/0016), and one whose
 * window is never open yet (a submission answers 422 window-not-open).
 */
export function nextPeriod(now = new Date()): string {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now).split('-').map(Number) as [
    number,
    number,
    number,
  ];
  if (d <= 12) return `${y}-${String(m).padStart(2, '0')}-H2`;
  return m === 12 ? `${y + 1}-01-H1` : `${y}-${String(m + 1).padStart(2, '0')}-H1`;
}
