import type {
  PanelAnswer,
  PanelFailure,
} from '@desktop-mania/plugin-cluster-health-common';
import Alert from '@material-ui/lab/Alert';
import { clock } from './format';

type Answer = PanelAnswer<unknown> | PanelFailure | undefined;

/**
 * Says which of these panels Prometheus could not answer just now: stale ones
 * show their last good data (a warning with its time), failed ones show
 * nothing (an error).
 */
export function PanelNotice(props: { answers: Answer[] }) {
  const troubled = props.answers.filter(
    (a): a is PanelAnswer<unknown> | PanelFailure => !!a?.error,
  );
  const failed = troubled.filter(a => a.data === undefined);
  const stale = troubled.filter(
    (a): a is PanelAnswer<unknown> => a.data !== undefined,
  );
  return (
    <>
      {stale.length > 0 && (
        <Alert
          severity="warning"
          data-testid="stale-warning"
          style={{ marginBottom: 8 }}
        >
          Showing data from {clock(stale[0].fetchedAt)}: {stale[0].error}
          {stale.length > 1 && ` (${stale.map(a => a.title).join(', ')})`}
        </Alert>
      )}
      {failed.length > 0 && (
        <Alert
          severity="error"
          data-testid="panel-error"
          style={{ marginBottom: 8 }}
        >
          {failed.map(a => a.title).join(', ')}: {failed[0].error}
        </Alert>
      )}
    </>
  );
}
