#!/usr/bin/env node
/** The `pushtune` command. */
import { main } from "./program.js";

const code = await main(process.argv);
if (code !== 0) process.exitCode = code;
