/** The Users page: who has an account; an admin deactivates and activates users there. */
import { expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

test(
  "an admin deactivates a user on the Users page and activates them again; other users see the list only",
  async () => {
    const tm = await ui.master();
    const ada = await tm.admin.post<{ token: string }>("/users", { username: "ada" });
    expect(ada.status).toBe(201);
    expect((await tm.admin.post("/users", { username: "root", admin: true })).status).toBe(201);

    const { page } = await ui.browser();
    await page.goto(tm.url);
    await page.getByRole("link", { name: "Users" }).click();
    await page.locator(".users-page[data-ready]").waitFor();
    const cells = (user: string) => page.locator(`tr[data-user="${user}"] td`).allInnerTexts();
    // The signed-in admin has no button for themselves.
    expect(await cells("admin")).toEqual(["admin", "admin", "active", ""]);
    expect(await cells("ada")).toEqual(["ada", "user", "active", "Deactivate"]);

    page.once("dialog", (dialog) => void dialog.accept());
    await page.locator('tr[data-user="ada"]').getByRole("button", { name: "Deactivate" }).click();
    await page.locator('tr[data-user="ada"]').getByRole("button", { name: "Activate" }).waitFor();
    expect(await cells("ada")).toEqual(["ada", "user", "deactivated", "Activate"]);
    expect((await tm.as(ada.body.token).get("/me")).status).toBe(401);
    await screenshot(page, "users");

    await page.locator('tr[data-user="ada"]').getByRole("button", { name: "Activate" }).click();
    await page.locator('tr[data-user="ada"]').getByRole("button", { name: "Deactivate" }).waitFor();
    const listed = await tm.admin.get<{ users: { username: string; active: boolean }[] }>("/users");
    expect(listed.body.users.find((u) => u.username === "ada")?.active).toBe(true);

    // A user who is not an admin sees who is there, and no buttons.
    const bob = await tm.admin.post<{ token: string }>("/users", { username: "bob" });
    // Signed in as bob from now on (the admin's token is set before each load: bob's after it).
    const asBob = `sessionStorage.setItem("pushtune.token", ${JSON.stringify(bob.body.token)})`;
    await page.context().addInitScript({ content: asBob });
    await page.reload();
    await page.locator(".users-page[data-ready]").waitFor();
    await page.locator('tr[data-user="bob"]').waitFor();
    await page.locator(".user").getByText("bob").waitFor();
    expect(await cells("ada")).toEqual(["ada", "user", "active"]);
    expect(await page.getByRole("button", { name: /Deactivate|Activate/ }).count()).toBe(0);
  },
  BROWSER_TEST_TIMEOUT,
);
