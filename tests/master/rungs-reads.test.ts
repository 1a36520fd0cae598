import { rungsReadsTests } from "./rungs-reads.js";

rungsReadsTests("sqlite");
