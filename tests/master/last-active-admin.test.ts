import { lastActiveAdmin } from "./last-active-admin.js";

lastActiveAdmin("sqlite");
