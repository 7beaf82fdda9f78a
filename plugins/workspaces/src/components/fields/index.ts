export {
  WorkspaceDiskPicker,
  WorkspaceFlavorPicker,
  WorkspaceSizePicker,
} from './WorkspaceFlavorPickers';
export { WorkspaceClusterPicker } from './WorkspaceClusterPicker';
export { WorkspaceNamePicker } from './WorkspaceNamePicker';
export { WorkspaceOwnerPicker } from './WorkspaceOwnerPicker';
export { WorkspaceOrderSummary } from './WorkspaceOrderSummary';
export { validateImage, validateName, validateOwner } from './fieldValidation';
