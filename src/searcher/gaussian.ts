/**
 * The normal distribution as the Parzen estimators need it: draws from the
 * searcher's generator, the log density, and the probability of an interval
 * (to normalise a Gaussian truncated to a hyperparameter's range). Only
 * arithmetic, `Math.sqrt`, `Math.log` and `Math.exp`, so a replay on the same
 * Node.js gives the same numbers.
 */
import { nextFloat } from "./rng.js";
import type { RngState } from "./types.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A standard normal draw (Marsaglia's polar method). Each call uses fresh
 * uniforms and keeps no spare value, so the generator's state is all there is.
 */
export function standardNormal(rng: RngState): number {
  for (;;) {
    const u = 2 * nextFloat(rng) - 1;
    const v = 2 * nextFloat(rng) - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** log N(x; mu, sigma). */
export function logNormalDensity(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return -0.5 * z * z - Math.log(sigma) - LOG_SQRT_2PI;
}

/**
 * The complementary error function, with a relative error below 1.2e-7
 * everywhere (the Chebyshev fit of Numerical Recipes, §6.2), tails included.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** erf(x) by its Taylor series, to double precision for |x| <= 0.5. */
function erfNearZero(x: number): number {
  const x2 = x * x;
  let power = x; // (-1)^n x^(2n+1) / n!
  let sum = x;
  for (let n = 1; n < 20; n++) {
    power *= -x2 / n;
    sum += power / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Below this, a mass computed as 1 minus two tails is mostly erfc's error (about 3e-8). */
const TAILS_FLOOR = 1e-6;

/** P(a < Z < b) for a standard normal Z, a <= b; accurate in either tail. */
export function standardNormalMass(a: number, b: number): number {
  const k = Math.SQRT1_2;
  // Subtract upper-tail probabilities on the side where they are small.
  if (a >= 0) return 0.5 * (erfc(a * k) - erfc(b * k));
  if (b <= 0) return 0.5 * (erfc(-b * k) - erfc(-a * k));
  const mass = 1 - 0.5 * (erfc(-a * k) + erfc(b * k));
  // A sliver around the centre (an integer's bin under a kernel millions wide): by erf's series.
  return mass < TAILS_FLOOR ? 0.5 * (erfNearZero(b * k) - erfNearZero(a * k)) : mass;
}
