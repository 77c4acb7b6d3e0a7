// A scenario file's problems, every one at once, each with the file, the field path and what was
// expected. Its own module so the command line can tell it apart without loading the validator.
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid scenario\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}
