// @ts-check

/**
 * Named snapshots of desktops. A row outlives its desktop only when kept,
 * so it does not reference the workspaces table.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('workspace_snapshots', table => {
    table.comment('Named snapshots of desktops, taken by their owners');
    table.bigIncrements('id').primary();
    table.string('workspace', 63).notNullable();
    table.string('name', 63).notNullable();
    table
      .string('owner')
      .notNullable()
      .comment(
        'Owner of the desktop when taken: a kept snapshot is shown again only to a namesake desktop of the same owner',
      );
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('in-progress, ready, restoring or failed, as last seen');
    table.boolean('keep').notNullable().defaultTo(false);
    table
      .string('provider_ref')
      .notNullable()
      .comment('What the provider calls it');
    table.text('message').nullable();
    table.unique(['workspace', 'name']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('workspace_snapshots');
};
