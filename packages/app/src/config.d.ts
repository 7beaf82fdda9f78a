export interface Config {
  desktopMania?: {
    permissions?: {
      /**
       * Entity refs of the admins groups (the backend's permission policy
       * reads the same key). The app shows its developer tools only to their
       * members; group refs are no secret, anyone may browse groups.
       * @visibility frontend
       */
      admins?: string[];
    };
  };
}
