/** Which Python runs the SDK's tests and the examples' trials, and where the SDK lives. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Debian's interpreter (it sees Debian's numpy, scikit-learn and PyTorch); the
 * first `python3` on PATH elsewhere.
 */
export const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

/** The SDK's folder: on PYTHONPATH, `import pushtune` takes the repository's code. */
export const PYTHON_DIR = fileURLToPath(new URL("../../python", import.meta.url));
