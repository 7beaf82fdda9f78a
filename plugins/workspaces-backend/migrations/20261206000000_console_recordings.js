// @ts-check

/**
 * Console sessions can be recorded (`workspaces.recording`): the file holds
 * what the desktop sent the browser; this row says whose session it was,
 * how it ended and where the file is. The desktop's owner is kept, so a
 * later desktop of the same name never shows an earlier owner's sessions.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('console_recordings', table => {
    table.comment('Recordings of console sessions, one file each');
    table.string('id', 36).primary().comment('A UUID; also the file name');
    table.string('workspace', 63).notNullable();
    table
      .string('owner')
      .notNullable()
      .comment("The desktop's owner when it was recorded");
    table.string('actor').notNullable();
    table
      .bigInteger('console_session_id')
      .nullable()
      .comment('The console_sessions row, whose lease shows the session alive');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.bigInteger('duration_ms').nullable();
    table.bigInteger('bytes').notNullable().defaultTo(0);
    table.boolean('truncated').notNullable().defaultTo(false);
    table.index(['workspace', 'started_at'], 'console_recordings_workspace');
    table.index(['started_at'], 'console_recordings_started');
  });
  // A console session's line in the desktop's history names its recording.
  await knex.schema.alterTable('workspace_audit', table => {
    table.string('recording_id', 36).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('workspace_audit', table => {
    table.dropColumn('recording_id');
  });
  await knex.schema.dropTable('console_recordings');
};
