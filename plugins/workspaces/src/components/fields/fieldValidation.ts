import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import type { ApiHolder } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type {
  WorkspaceOs,
  WorkspacesApi,
} from '@desktop-mania/plugin-workspaces-common';
import { workspacesApiRef } from '@desktop-mania/plugin-workspaces-react';
import { nameProblem } from './WorkspaceNamePicker';
import { imagesFor, unavailable } from './offer';
import { atQuota, entityName, fallbackName, quotaLine } from './owners';

// The scaffolder runs these when Next is pressed and keeps the step until they pass.

function workspaces(apiHolder: ApiHolder): WorkspacesApi {
  const api = apiHolder.get(workspacesApiRef);
  if (!api) throw new Error('The workspaces API is not installed');
  return api;
}

/** Refuses a name the backend would refuse, saying why in words. */
export const validateName: CustomFieldValidator<string> = (name, field) => {
  const problem = nameProblem(name);
  if (problem) field.addError(problem);
};

/** Refuses an image the chosen cluster cannot run, or any image when none can be ordered. */
export const validateImage: CustomFieldValidator<
  string,
  { os?: WorkspaceOs }
> = async (image, field, { apiHolder, formData, uiSchema }) => {
  const flavors = await workspaces(apiHolder).getFlavors();
  const os = uiSchema?.['ui:options']?.os;
  const why = unavailable(flavors, os, formData);
  if (why) field.addError(why);
  else if (!imagesFor(flavors, os, formData).some(i => i.name === image)) {
    field.addError(
      `The image ${image} cannot be ordered here; choose another.`,
    );
  }
};

/** Refuses an owner the caller may not order for, or one at its quota. */
export const validateOwner: CustomFieldValidator<string> = async (
  owner,
  field,
  { apiHolder },
) => {
  const { owners } = await workspaces(apiHolder).getOrdering();
  const entry = owners.find(o => o.owner === owner);
  if (!entry) {
    field.addError(
      `You may not order desktops for ${fallbackName(
        owner,
      )}; choose yourself or one of your groups.`,
    );
    return;
  }
  if (!atQuota(entry)) return;
  const catalog = apiHolder.get(catalogApiRef);
  const entity = await catalog?.getEntityByRef(owner).catch(() => undefined);
  field.addError(quotaLine(entry, entityName(entity) ?? fallbackName(owner)));
};
