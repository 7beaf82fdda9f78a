import type {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  workspaceReadPermission,
  type WorkspaceAuditEvent,
} from '@desktop-mania/plugin-workspaces-common';
import type { WorkspaceAuthorizer } from './WorkspaceAuthorizer';

/** One line of a desktop's history, as the service writes it. */
export type AuditEntry = Omit<WorkspaceAuditEvent, 'id' | 'at'>;

/**
 * Part of the workspace service: its audit log. Every lifecycle and console
 * event goes to the auditor service, where operators collect security
 * events, and to the desktop's own history, which its owner reads through
 * `/workspaces/:name/audit`.
 */
export class WorkspaceAudit {
  constructor(
    private readonly options: {
      /** The desktops' own histories: the service's store. */
      history: {
        audit(entry: AuditEntry): Promise<void>;
        auditLog(name: string): Promise<WorkspaceAuditEvent[]>;
      };
      auditor: AuditorService;
      authorizer: Pick<WorkspaceAuthorizer, 'authorizeRecord'>;
    },
  ) {}

  async write(entry: AuditEntry) {
    await this.options.history.audit(entry);
    const event = await this.options.auditor.createEvent({
      eventId: `workspace-${entry.action}`,
      severityLevel: entry.action === 'console' ? 'low' : 'medium',
      meta: {
        workspace: entry.workspace,
        actor: entry.actor,
        ...(entry.recordingId && { recordingId: entry.recordingId }),
      },
    });
    if (entry.outcome === 'succeeded') {
      await event.success(
        entry.message ? { meta: { message: entry.message } } : undefined,
      );
    } else {
      await event.fail({ error: new Error(entry.message ?? 'failed') });
    }
  }

  /** The desktop's history, for those who may read the desktop. */
  async read(credentials: BackstageCredentials, name: string) {
    await this.options.authorizer.authorizeRecord(
      name,
      workspaceReadPermission,
      credentials,
    );
    return this.options.history.auditLog(name);
  }
}
