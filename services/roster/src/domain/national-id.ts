/** Children's ID numbers are shown only as enough to recognise one: the first three and last two characters. */
export function maskNationalId(value: string | null): string | null {
  if (value === null) return null;
  if (value.length <= 5) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 5)}${value.slice(-2)}`;
}
