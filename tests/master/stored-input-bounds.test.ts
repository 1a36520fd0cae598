/** Integers, NUL characters and nesting at the edges of what SQLite holds: 400, never 500. */
import { describeStoredInputBounds } from "./support/stored-input-bounds.js";

describeStoredInputBounds("sqlite");
