/** The display-name rule used everywhere (spec §1.3): business name, WeCom nickname, the id. */
export function displayNameOf(row: { businessName: string | null; wecomNickname: string | null; originalId: string }): string {
  return row.businessName?.trim() || row.wecomNickname?.trim() || row.originalId;
}
