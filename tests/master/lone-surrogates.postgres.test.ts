/** Lone UTF-16 surrogates in requests on PostgreSQL: 400 naming the field; in a trial's output, U+FFFD. */
import { describeLoneSurrogates } from "./support/lone-surrogates.js";

describeLoneSurrogates("postgres");
