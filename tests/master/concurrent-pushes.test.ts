/** Pushes that trials send at the same time, on SQLite: each lands as if it had come alone. */
import { describeConcurrentPushes } from "./support/concurrent-pushes.js";

describeConcurrentPushes("sqlite");
