// @ts-check

/**
 * Desktops shared by their owners with other people or groups, view-only or
 * with control, until a time the owner chose. Console sessions remember how
 * they were admitted, so revoking a share closes exactly the sessions it
 * let in, on whichever replica relays them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('workspace_shares', table => {
    table.comment('Grants of access to a desktop by its owner');
    table.string('workspace', 63).notNullable();
    table
      .string('grantee')
      .notNullable()
      .comment('Lower-cased entity ref of a user or group');
    table.string('mode', 16).notNullable().comment('view or control');
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.string('granted_by').notNullable();
    table.timestamp('granted_at', { useTz: true }).notNullable();
    table.primary(['workspace', 'grantee']);
    table.index(['grantee', 'expires_at'], 'workspace_shares_grantee');
  });
  await knex.schema.alterTable('console_sessions', table => {
    table
      .string('mode', 16)
      .nullable()
      .comment('control or view; null for sessions before sharing (control)');
    table
      .string('share_grantee')
      .nullable()
      .comment('The grantee whose share admitted the session, if one did');
    table
      .timestamp('share_expires_at', { useTz: true })
      .nullable()
      .comment('The session closes when the share that admitted it ends');
    table
      .integer('revoked_code')
      .nullable()
      .comment('Close code of a revoked session; null means taken over');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('console_sessions', table => {
    table.dropColumn('mode');
    table.dropColumn('share_grantee');
    table.dropColumn('share_expires_at');
    table.dropColumn('revoked_code');
  });
  await knex.schema.dropTable('workspace_shares');
};
