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
  auth?: {
    providers?: {
      guest?: {
        /**
         * Seen by the app so the sign-in page offers the guest beside the
         * organisation's OIDC where a portal configures both; the key
         * names a catalog user, no secret.
         * @visibility frontend
         */
        userEntityRef?: string;
      };
    };
  };
}
