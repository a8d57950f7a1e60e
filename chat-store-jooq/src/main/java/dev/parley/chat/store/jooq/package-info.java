/**
 * Parley's relational storage: {@link dev.parley.chat.store.jooq.JooqChatStorage} implements every storage SPI of
 * {@code chat-core} on jOOQ, for SQLite (the embedded default) and PostgreSQL. The schema is created and upgraded
 * by Liquibase when the storage opens.
 */
package dev.parley.chat.store.jooq;
