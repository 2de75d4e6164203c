/** Running code that must throw, and returning what it threw, so checks can look at class and fields. */

/** What `run` threw, or undefined when it returned. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The message of an Error (or the value as text), for checks that look for a name in it. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
