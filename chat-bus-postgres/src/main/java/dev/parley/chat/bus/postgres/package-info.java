/**
 * The cluster bus on PostgreSQL {@code LISTEN/NOTIFY}: {@link dev.parley.chat.bus.postgres.PostgresBus}.
 */
package dev.parley.chat.bus.postgres;
