/** One stored parameter of a checkpoint: its state-dict name and shape (what an adapter's architecture lists). */
export interface ParameterSpec {
  name: string;
  shape: number[];
}
