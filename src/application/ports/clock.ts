/** The current time; tests move it by hand. */
export interface Clock {
  now(): Date;
}
