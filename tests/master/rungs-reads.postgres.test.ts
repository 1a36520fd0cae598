import { rungsReadsTests } from "./rungs-reads.js";

rungsReadsTests("postgres");
