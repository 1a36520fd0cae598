/** `pushtune user list`: the users, oldest first. */
import type { UserSchema } from "../../protocol/api/resources.js";
import { NO_STYLE, type Style } from "./style.js";
import { type Column, renderTable } from "./table.js";

export function userTable(
  users: readonly UserSchema[],
  width: number | null,
  style: Style = NO_STYLE,
): string[] {
  const columns: Column<UserSchema>[] = [
    { header: "NAME", value: (u) => u.username, flex: true },
    { header: "ADMIN", value: (u) => (u.admin ? "yes" : "no") },
    { header: "ACTIVE", value: (u) => (u.active ? "yes" : "no (deactivated)") },
    { header: "ID", value: (u) => String(u.id), align: "right" },
  ];
  return renderTable(users, columns, { width, style });
}
