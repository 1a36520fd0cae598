/** A master that dies in the middle of deleting an experiment, on SQLite: nothing is left behind for good. */
import { describeDeleteInterrupted } from "./support/delete-interrupted.js";

describeDeleteInterrupted("sqlite");
