import { EmptyState, WarningPanel } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';

export function statusOf(error?: Error): number | undefined {
  const e = error as
    | (Error & { statusCode?: number; response?: { status?: number } })
    | undefined;
  return e?.statusCode ?? e?.response?.status;
}

/** The backend's own words when there are any, not just the HTTP status. */
export function messageOf(error: Error): string {
  const cause = (error as Error & { cause?: unknown }).cause;
  return error.name === 'ResponseError' &&
    cause instanceof Error &&
    cause.message
    ? cause.message
    : error.message;
}

export function AccessDenied() {
  return (
    <div data-testid="access-denied">
      <EmptyState
        missing="info"
        title="You don't have access to cluster health"
        description="The cluster health pages are for platform owners. Ask an administrator to add you to the platform owners group if you need them."
      />
    </div>
  );
}

/**
 * Why something could not be loaded: no access, or the backend's own one
 * sentence (e.g. which Prometheus is not answering and what to set). Never a
 * stack trace: the browser's says nothing about the cluster, and the
 * backend's belongs in its log.
 */
export function LoadProblem(props: {
  error: Error;
  title: string;
  compact?: boolean;
}) {
  const { error, title, compact } = props;
  if (statusOf(error) === 403) {
    return compact ? (
      <Typography data-testid="access-denied">
        You don't have access to cluster health.
      </Typography>
    ) : (
      <AccessDenied />
    );
  }
  if (compact) {
    return (
      <Alert severity="error" data-testid="load-error">
        {title}: {messageOf(error)}
      </Alert>
    );
  }
  // 503: Prometheus is down or slow, something to fix rather than a fault.
  return (
    <div data-testid="load-error">
      <WarningPanel
        severity={statusOf(error) === 503 ? 'warning' : 'error'}
        title={title}
        message={messageOf(error)}
        defaultExpanded
      />
    </div>
  );
}
