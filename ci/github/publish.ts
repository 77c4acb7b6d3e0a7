// Where a gate's verdict goes inside GitHub Actions: the job summary, the step's outputs, and (when
// asked) the one pull-request comment. A token that cannot comment — a pull request from a fork
// gets a read-only one — leaves a note in the job summary instead of failing the step.
import { appendFileSync } from 'node:fs';
import { githubContext, runUrl, type GitHubContext } from './context.js';
import { GitHubApiError, upsertComment } from './pr-comment.js';

export interface PublishOptions {
  /** Keep a pull-request comment current. */
  comment: boolean;
  /** Tells several gates' comments apart on one pull request (default "default"). */
  commentId?: string;
  /** The artifact the workflow uploads the run directory as, named in the comment. */
  artifact?: string;
  context?: GitHubContext;
  log?: (line: string) => void;
}

export interface Published {
  comment?: { action: 'created' | 'updated'; url: string };
  /** Why there is no comment, when one was asked for. */
  note?: string;
}

/** What is published of a gate (api/gate.ts's GateOutcome has these). */
export interface VerdictToPublish {
  verdict: 'pass' | 'regressed' | 'inconclusive';
  markdown: string;
  /** The run directory. */
  out: string;
}

export async function publishVerdict(g: VerdictToPublish, o: PublishOptions): Promise<Published> {
  const c = o.context ?? githubContext();
  const log = o.log ?? ((line: string) => console.error(line));
  const where = reportWhere(c, o.artifact);
  if (c.output) appendFileSync(c.output, `verdict=${g.verdict}\nreport-dir=${g.out}\n`);
  const published: Published = {};
  if (o.comment) {
    const body = `${g.markdown}\n${where}${c.sha ? ` Measured on ${c.sha.slice(0, 12)}.` : ''}\n`;
    try {
      published.comment = await upsertComment(c, o.commentId ?? 'default', body);
      log(`pull-request comment ${published.comment.action}: ${published.comment.url}`);
    } catch (err) {
      const e = err as Error;
      const status = err instanceof GitHubApiError ? err.status : 0;
      const forkLike = status === 403 || status === 404;
      published.note = forkLike
        ? `chatbench could not comment on the pull request (${e.message}). A pull request from a fork runs with a read-only token; the verdict is in this job summary.`
        : `chatbench could not comment on the pull request: ${e.message}. The verdict is in this job summary.`;
      log(`note: ${published.note}`);
    }
  }
  if (c.stepSummary) appendFileSync(c.stepSummary, `${g.markdown}\n${where}\n${published.note ? `\n> **Note:** ${published.note}\n` : ''}\n`);
  return published;
}

function reportWhere(c: GitHubContext, artifact: string | undefined): string {
  const run = runUrl(c);
  const name = artifact ? `the \`${artifact}\` artifact` : 'the run directory';
  return run ? `Reports (every run's \`report.html\`, the comparison \`report.html\`, \`verdict.md\`): ${name} of [workflow run ${c.runId}](${run}).` : `Reports: ${name}.`;
}
