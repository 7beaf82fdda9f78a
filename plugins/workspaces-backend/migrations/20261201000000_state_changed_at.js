// @ts-check

/**
 * When a desktop entered its current state, so the backend can tell a
 * create or delete still under way from one a crash left half done.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('workspaces', table => {
    table
      .timestamp('state_changed_at', { useTz: true })
      .nullable()
      .comment('When state last changed; null means at created_at');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('workspaces', table => {
    table.dropColumn('state_changed_at');
  });
};
