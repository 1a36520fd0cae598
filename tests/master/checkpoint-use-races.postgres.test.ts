/** Deleting an experiment while a new one starts from its checkpoint, on PostgreSQL: one of the two wins whole. */
import { describeCheckpointUseRaces } from "./support/checkpoint-use-races.js";

describeCheckpointUseRaces("postgres");
