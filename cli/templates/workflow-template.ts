// The GitHub Actions workflow `chatbench init` writes: the gate on every pull request, through the
// action this package ships (action.yml), used from node_modules after `npm ci`.
export function starterWorkflow(scenarioFile: string): string {
  return `# chatbench performance gate (written by \`chatbench init\`): on every pull request, the base
# commit's server and this pull request's server run the same scenario in interleaved rounds;
# statistics decide whether the pull request made them slower; the verdict is kept current in
# one pull-request comment and the job summary, and every report is uploaded as an artifact.
# Adjust the server command (and the build of the base commit) to your project.
name: chatbench gate
on: pull_request
permissions:
  contents: read
  pull-requests: write # the verdict comment (a pull request from a fork gets the job summary instead)
jobs:
  gate:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20 }
      - run: npm ci
      - uses: ./node_modules/chatbench
        with:
          scenario: ${scenarioFile}
          # {port} is a free port your server must listen on (also in $PORT)
          server-cmd: node server.js --port {port}
          # the baseline is the pull request's base commit, checked out beside and built with:
          build: npm ci
`;
}
