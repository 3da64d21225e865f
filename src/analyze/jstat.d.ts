// The part of jstat (CommonJS, no published types) the statistics use: Student's t with fractional degrees of freedom,
// and the normal distribution.
declare module 'jstat' {
  interface StudentT {
    /** Quantile: the t with P(T <= t) = p. */
    inv(p: number, dof: number): number;
    /** Cumulative distribution P(T <= t). */
    cdf(t: number, dof: number): number;
  }
  interface Normal {
    /** Cumulative distribution P(X <= x) of N(mean, sd). */
    cdf(x: number, mean: number, sd: number): number;
  }
  const jstat: { jStat: { studentt: StudentT; normal: Normal } };
  export default jstat;
}
