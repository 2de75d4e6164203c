export { main } from './main';
export { inspectCheckpoint, formatInspect, type InspectReport } from './commands/inspect';
export { memoryIO, processIO, type CliIO } from './io';
export { EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, UsageError } from './exit';
