import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  workspaceLifecyclePermission,
  workspaceReadPermission,
  workspaceScheduleProblem,
  type WorkspaceScheduleRequest,
} from '@desktop-mania/plugin-workspaces-common';
import express from 'express';
import Router from 'express-promise-router';
import type { ScheduleStore } from '../database/ScheduleStore';
import { actorOf } from './WorkspaceAuthorizer';
import type { WorkspaceService } from './WorkspaceService';

/**
 * A desktop's working hours: read by those who may read the desktop, set
 * and removed by those allowed its lifecycle (its owner, like Extend). A
 * desktop someone may not read answers 404, as it does everywhere.
 */
export function createScheduleRouter(options: {
  service: WorkspaceService;
  httpAuth: HttpAuthService;
  schedules: ScheduleStore;
}): express.Router {
  const { service, httpAuth, schedules } = options;
  const router = Router();
  router.use('/workspaces/:name/schedule', express.json({ limit: '4kb' }));

  router.get('/workspaces/:name/schedule', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { name } = req.params;
    await service.authorizeRecord(name, workspaceReadPermission, credentials);
    const schedule = await schedules.get(name);
    if (!schedule) {
      throw new NotFoundError(`The desktop '${name}' has no working hours`);
    }
    res.json(schedule);
  });

  router.put('/workspaces/:name/schedule', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { name } = req.params;
    await service.authorizeRecord(
      name,
      workspaceLifecyclePermission,
      credentials,
    );
    const problem = workspaceScheduleProblem(req.body);
    if (problem) throw new InputError(problem);
    const { timeZone, days, start, stop } =
      req.body as WorkspaceScheduleRequest;
    const actor = actorOf(credentials);
    const schedule = await schedules.set(
      name,
      { timeZone, days, start, stop },
      actor,
      new Date(),
    );
    await service.audit({
      workspace: name,
      actor,
      action: 'schedule',
      outcome: 'succeeded',
      message: `${days.join(',')} ${start ?? '-'} to ${
        stop ?? '-'
      } ${timeZone}`,
    });
    res.json(schedule);
  });

  router.delete('/workspaces/:name/schedule', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { name } = req.params;
    await service.authorizeRecord(
      name,
      workspaceLifecyclePermission,
      credentials,
    );
    if (await schedules.remove(name)) {
      await service.audit({
        workspace: name,
        actor: actorOf(credentials),
        action: 'schedule',
        outcome: 'succeeded',
        message: 'working hours removed',
      });
    }
    res.status(204).end();
  });

  return router;
}
