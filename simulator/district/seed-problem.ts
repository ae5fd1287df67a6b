/** One bad value of a seed file or data file: where (`students[3].entrydate`) and what is wrong. */
export interface SeedProblem {
  path: string;
  message: string;
}
