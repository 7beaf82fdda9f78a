// @ts-check

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable('workspaces', table => {
    table.comment('Every desktop the suite has ordered and not yet deleted');
    table.string('name', 63).primary().notNullable();
    table.string('cluster').notNullable();
    table.string('provider').notNullable();
    table.string('os', 16).notNullable();
    table.string('image').notNullable();
    table.string('size').notNullable();
    table.integer('disk_gi').notNullable();
    table.string('owner').notNullable().index();
    table.string('created_by').notNullable();
    table.string('template').nullable();
    table.string('system').nullable();
    table
      .string('state', 16)
      .notNullable()
      .comment(
        'creating while the provider builds it, active after, deleting while it is removed',
      );
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.timestamp('last_activity_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('workspace_audit', table => {
    table.comment('Every lifecycle action on a desktop, successful or not');
    table.bigIncrements('id').primary();
    table.string('workspace', 63).notNullable().index();
    table.string('actor').notNullable();
    table.string('action', 32).notNullable();
    table.string('outcome', 16).notNullable();
    table.text('message').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('console_sessions', table => {
    table.comment('Every console session relayed by the backend');
    table.bigIncrements('id').primary();
    table.string('workspace', 63).notNullable().index();
    table.string('actor').notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.bigInteger('bytes_to_desktop').notNullable().defaultTo(0);
    table.bigInteger('bytes_from_desktop').notNullable().defaultTo(0);
    table.integer('close_code').nullable();
    table.string('close_reason').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('console_sessions');
  await knex.schema.dropTable('workspace_audit');
  await knex.schema.dropTable('workspaces');
};
