/** The route fuzz suite on SQLite: never a 5xx, never a hang, an intact database afterwards. */
import { describeRouteFuzz } from "./support/fuzz/route-fuzz.js";

describeRouteFuzz("sqlite");
