export interface Config {
  /** Settings of this Desktop Mania portal that no plugin owns. */
  desktopMania?: {
    /** Who the portal's permission policy (src/permissions) trusts. */
    permissions?: {
      /**
       * Entity refs, e.g. group:default/admins. Their members may see and act
       * on every desktop, and read the cluster health pages.
       */
      admins?: string[];
      /**
       * Entity refs, e.g. group:default/platform-owners. Their members read
       * the cluster health pages.
       */
      platformOwners?: string[];
    };
  };
}
