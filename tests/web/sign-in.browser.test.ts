/** Signing in to the web UI with a password or a token; the token lasts for the tab's session. */
import { describe, expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const TOKEN = `sessionStorage.getItem("pushtune.token")`;

const ui = uiPages();

describe("signing in", () => {
  test(
    "a user signs in with a password, stays signed in on reload, and signs out, which revokes the token",
    async () => {
      const tm = await ui.master();
      const created = await tm.admin.post("/users", { username: "ada", password: "correct horse" });
      expect(created.status).toBe(201);
      const { page } = await ui.browser({ signedIn: false });
      await page.goto(tm.url);
      await page.getByLabel("Username").waitFor();
      await screenshot(page, "sign-in");

      await page.getByLabel("Username").fill("ada");
      await page.getByLabel("Password").fill("wrong password");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByRole("alert").getByText("Wrong username, password or token.").waitFor();

      await page.getByLabel("Password").fill("correct horse");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByRole("heading", { name: "Experiments" }).waitFor();
      await page.locator(".user").getByText("ada").waitFor();
      expect(await page.evaluate(TOKEN)).toMatch(/\S{16,}/);

      await page.reload();
      await page.getByRole("heading", { name: "Experiments" }).waitFor();
      const token = (await page.evaluate(TOKEN)) as string;

      // Signing out revokes the token this tab got from the password sign-in.
      const loggedOut = page.waitForResponse((r) => r.url().endsWith("/auth/logout"));
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("Username").waitFor();
      expect(await page.evaluate(TOKEN)).toBeNull();
      expect((await loggedOut).status()).toBe(204);
      expect((await tm.as(token).get("/me")).status).toBe(401);
      // Signed out by choice: nothing to explain.
      expect(await page.getByRole("alert").count()).toBe(0);
    },
    BROWSER_TEST_TIMEOUT,
  );

  test(
    "a token signs in too, and a refused token goes back to the sign-in page",
    async () => {
      const tm = await ui.master();
      const { page } = await ui.browser({ signedIn: false });
      await page.goto(tm.url);
      await page.getByLabel("Token").fill("not-a-token");
      await page.getByRole("button", { name: "Sign in with token" }).click();
      await page.getByRole("alert").waitFor();

      await page.getByLabel("Token").fill(tm.adminToken);
      await page.getByRole("button", { name: "Sign in with token" }).click();
      await page.getByRole("heading", { name: "Experiments" }).waitFor();
      await page.getByText("No experiments yet").waitFor();

      // A pasted token is not this tab's to revoke: signing out leaves it valid.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("Token").waitFor();
      expect((await tm.admin.get("/me")).status).toBe(200);

      await page.evaluate(`sessionStorage.setItem("pushtune.token", "revoked")`);
      await page.reload();
      await page.getByLabel("Token").waitFor();
    },
    BROWSER_TEST_TIMEOUT,
  );

  test(
    "a session the master ends says why, and so does a deactivated user's sign-in with the right password",
    async () => {
      const tm = await ui.master();
      const created = await tm.admin.post("/users", { username: "bea", password: "correct horse" });
      expect(created.status).toBe(201);
      const { page } = await ui.browser({ signedIn: false });
      await page.goto(tm.url);
      const signIn = async (password: string) => {
        await page.getByLabel("Username").fill("bea");
        await page.getByLabel("Password").fill(password);
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
      };
      await signIn("correct horse");
      await page.getByRole("heading", { name: "Experiments" }).waitFor();

      // An admin deactivates her: the page's next call is refused and says why.
      expect((await tm.admin.post("/users/bea/deactivate")).status).toBe(200);
      await page.getByRole("alert").getByText("user bea is deactivated").waitFor();
      await page.getByLabel("Username").waitFor();
      await screenshot(page, "sign-in-deactivated");

      await signIn("wrong password");
      await page.getByRole("alert").getByText("Wrong username, password or token.").waitFor();
      await signIn("correct horse");
      await page.getByRole("alert").getByText("user bea is deactivated").waitFor();
    },
    BROWSER_TEST_TIMEOUT,
  );
});
