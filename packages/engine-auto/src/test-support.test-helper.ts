/** Helpers shared by this package's tests (excluded from the build). */

/** Whether the optional @tensorflow/tfjs-node package can be resolved here. */
export function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}
