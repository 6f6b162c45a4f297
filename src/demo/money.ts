/** Integer cents as a decimal(…, 2) string, e.g. 2900 -> '29.00', -50 -> '-0.50'. Exact, no floats. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100);
  const rest = abs - units * 100;
  return `${sign}${units}.${rest < 10 ? '0' : ''}${rest}`;
}
