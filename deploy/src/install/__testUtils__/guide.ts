/**
 * Reading docs/cluster-guide.md: its numbered steps, the commands in them,
 * and its table of operator inputs.
 */

export interface GuideStep {
  number: number;
  title: string;
  body: string;
}

/** The "## N. Title" sections, in order. */
export function guideSteps(markdown: string): GuideStep[] {
  const steps: GuideStep[] = [];
  let current: GuideStep | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^## (\d+)\. (.+)$/.exec(line);
    if (heading) {
      current = { number: Number(heading[1]), title: heading[2], body: '' };
      steps.push(current);
    } else if (/^## /.test(line)) {
      current = undefined;
    } else if (current) {
      current.body += `${line}\n`;
    }
  }
  return steps;
}

/**
 * Shell command lines of a step: the lines of its fenced code blocks (with
 * backslash continuations joined) and inline code spans that start with a
 * command, such as `kubectl -n x get y`.
 */
export function commandsOf(body: string): string[] {
  const commands: string[] = [];
  const fence = /```[a-z]*\n([\s\S]*?)```/g;
  for (const block of body.matchAll(fence)) {
    const joined = block[1].replace(/\\\n\s*/g, ' ');
    for (const line of joined.split('\n')) {
      const text = line.trim();
      if (text && !text.startsWith('#')) commands.push(text);
    }
  }
  // Inline: a command with arguments; a bare `install.sh` names the script.
  const prose = body.replace(fence, '');
  for (const span of prose.matchAll(/`([^`\n]+)`/g)) {
    if (
      span[1].includes(' ') &&
      /^(sudo (-E )?)?(kubectl|\S*\.sh|curl|rke2|systemctl)\b/.test(span[1])
    )
      commands.push(span[1]);
  }
  return commands;
}

/** The prose of a step: everything outside its code blocks. */
export function proseOf(body: string): string {
  return body.replace(/```[a-z]*\n[\s\S]*?```/g, '');
}

export interface OperatorInput {
  variable: string;
  namespace: string;
  secret: string;
  key: string;
}

/**
 * The guide's table of operator inputs: rows of
 * | `VARIABLE` | Secret `namespace/name`, key `KEY` | what it is |
 */
export function operatorInputs(markdown: string): OperatorInput[] {
  const rows = markdown.matchAll(
    /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*Secret `([a-z0-9-]+)\/([a-z0-9.-]+)`, key `([^`]+)`/gm,
  );
  return [...rows].map(([, variable, namespace, secret, key]) => ({
    variable,
    namespace,
    secret,
    key,
  }));
}

/** Splits a command line into words, with quotes; $(...) becomes one word. */
export function words(command: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\$\([^)]*\))|(\S+)/g;
  for (const m of command.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return out;
}
