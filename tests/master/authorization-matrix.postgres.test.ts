import { authorizationMatrix } from "./authorization-matrix.js";

authorizationMatrix("postgres");
