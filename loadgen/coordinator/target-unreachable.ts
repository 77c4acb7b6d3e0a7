// A run that cannot reach or start what it should load. Its own module so the command line can
// tell it apart without loading the coordinator.
export class TargetUnreachableError extends Error {}
