// @ts-check

/**
 * Working hours per desktop, and a ledger of what housekeeping did once per
 * moment (notifications sent, scheduled starts and stops), so neither is
 * repeated on every run nor by every replica.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('workspace_schedules', table => {
    table.comment('Working hours of a desktop, set by its owner');
    table.string('workspace', 63).primary().notNullable();
    table.string('time_zone', 64).notNullable().comment('IANA time zone');
    table
      .string('days', 32)
      .notNullable()
      .comment('Comma-separated weekdays: mon,tue,...');
    table.string('start_time', 5).nullable().comment('HH:MM local time');
    table.string('stop_time', 5).nullable().comment('HH:MM local time');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('updated_by').notNullable();
  });

  await knex.schema.createTable('workspace_ledger', table => {
    table.comment(
      'What housekeeping did once per moment: notifications, scheduled starts and stops',
    );
    table.string('workspace', 63).notNullable();
    table.string('kind', 32).notNullable();
    table
      .string('moment', 64)
      .notNullable()
      .comment('What the action was for, e.g. the expiry it warned of');
    table.timestamp('done_at', { useTz: true }).notNullable();
    table.primary(['workspace', 'kind', 'moment']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('workspace_ledger');
  await knex.schema.dropTable('workspace_schedules');
};
