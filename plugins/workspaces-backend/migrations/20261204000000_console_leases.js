// @ts-check

/**
 * Console sessions become the seats of the per-person limit, shared by every
 * portal replica: a session holds its seat while its lease is in the future.
 * The replica relaying it renews the lease; a crashed replica's seats free
 * themselves when their leases run out.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('console_sessions', table => {
    table
      .string('holder')
      .nullable()
      .comment('The portal process relaying the session; null before leases');
    table
      .timestamp('lease_expires_at', { useTz: true })
      .nullable()
      .comment('The seat is held until then; null once released');
    table
      .timestamp('revoked_at', { useTz: true })
      .nullable()
      .comment('Set when another session took the desktop over');
    table.string('revoked_reason').nullable();
    table.index(['actor', 'lease_expires_at'], 'console_sessions_actor_lease');
    table.index(
      ['holder', 'lease_expires_at'],
      'console_sessions_holder_lease',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('console_sessions', table => {
    table.dropIndex(
      ['actor', 'lease_expires_at'],
      'console_sessions_actor_lease',
    );
    table.dropIndex(
      ['holder', 'lease_expires_at'],
      'console_sessions_holder_lease',
    );
    table.dropColumn('holder');
    table.dropColumn('lease_expires_at');
    table.dropColumn('revoked_at');
    table.dropColumn('revoked_reason');
  });
};
