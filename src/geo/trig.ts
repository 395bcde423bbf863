// Trigonometry for the camera index's inner loop. There, the arguments are tiny (a few hundred metres is 1e-5
// radians) and a call into the engine's libm (Math.sin, Math.atan2: a call out of optimised code, range reduction,
// special cases) costs several times the arithmetic it does. Each function below is a short series or a small
// table where that is accurate to float64 rounding, and the engine's function everywhere else, so it is correct for
// every argument; its result is within 2 units in the last place of the engine's (tested in trig.test.ts).

/** sin x. For |x| < 1/64 the series to x⁷: the first term left out, x⁹/9!, is below 1e-20 of x (and sin −0 is 0). */
export function sinOf(x: number): number {
  if (x > -0.015625 && x < 0.015625) {
    const x2 = x * x;
    return x + x * x2 * (-0.16666666666666666 + x2 * (0.008333333333333333 - x2 * 0.0001984126984126984));
  }
  return Math.sin(x);
}

/**
 * The central angle 2·asin(√h) of a haversine h (0 ≤ h ≤ 1), radians. For h < 1e-6 (under 12 km on the Earth)
 * the series 2x(1 + x²/6 + 3x⁴/40) with x = √h: the first term left out, 5x⁶/112, is below 5e-20 of the
 * result. Otherwise the atan2 form, which keeps its precision up to antipodes.
 */
export function haversineAngleRad(h: number): number {
  if (h < 1e-6) return 2 * Math.sqrt(h) * (1 + h * (0.16666666666666666 + h * 0.075));
  return 2 * Math.atan2(Math.sqrt(h), Math.sqrt(Math.max(0, 1 - h)));
}

/** atan(k/16) for k = 0 … 16, as the nearest double (HI) and the nearest double to what that leaves out (LO). */
const ATAN_HI = new Float64Array([
  0.0, 0.06241880999595735, 0.12435499454676144, 0.18534794999569476, 0.24497866312686414, 0.3028848683749714, 0.35877067027057225, 0.4124104415973873,
  0.4636476090008061, 0.5123894603107377, 0.5585993153435624, 0.6022873461349642, 0.6435011087932844, 0.6823165548747481, 0.7188299996216245,
  0.7531512809621944, 0.7853981633974483,
]);
const ATAN_LO = new Float64Array([
  0.0, -1.5490756308295046e-18, -3.1253241424539383e-18, 4.180692268843079e-18, 1.0698755618734451e-17, -1.1010827903001369e-17,
  -2.4623815582638635e-17, -1.587652227770689e-17, 2.2698777452961687e-17, -2.5462781472855804e-17, -5.4556305485916264e-18, 2.950430737228402e-17,
  1.5834785051444286e-17, 6.943223671560008e-18, -2.1478388444456983e-17, -2.4256934659182068e-17, 3.061616997868383e-17,
]);

/**
 * Math.atan2(y, x) for finite non-zero y and x (zeros, infinities and NaN go to Math.atan2). The smaller of |y|, |x|
 * over the larger is t ∈ (0, 1]; with c = k/16 the nearest sixteenth, atan t = atan c + atan u, u = (t − c)/(1 + tc)
 * and |u| ≤ 1/32, where the series to u¹¹ leaves out less than 1e-19 of u; then the octant and quadrant.
 */
export function atan2Of(y: number, x: number): number {
  const ay = Math.abs(y);
  const ax = Math.abs(x);
  if (!(ay > 0 && ax > 0 && ay < Infinity && ax < Infinity)) return Math.atan2(y, x);
  const steep = ay > ax;
  const t = steep ? ax / ay : ay / ax;
  const k = Math.floor(t * 16 + 0.5);
  const c = k * 0.0625;
  const u = (t - c) / (1 + t * c);
  const u2 = u * u;
  const series = u - u * u2 * (0.3333333333333333 - u2 * (0.2 - u2 * (0.14285714285714285 - u2 * (0.1111111111111111 - u2 * 0.09090909090909091))));
  let z = ATAN_HI[k]! + (ATAN_LO[k]! + series);
  // π/2 and π as a double and the remainder.
  if (steep) z = 1.5707963267948966 - z + 6.123233995736766e-17;
  if (x < 0) z = 3.141592653589793 - z + 1.2246467991473532e-16;
  return y < 0 ? -z : z;
}
