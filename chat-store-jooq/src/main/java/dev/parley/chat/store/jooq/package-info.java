/**
 * Parley's relational storage: {@link dev.parley.chat.store.jooq.JooqChatStorage} implements every storage SPI of
 * {@code chat-core} on jOOQ, for SQLite (the embedded default) and PostgreSQL. The schema is created and upgraded
 * by Liquibase when the storage opens.
 *
 * <p>The public types are {@code JooqChatStorage}, its two builders and
 * {@link dev.parley.chat.store.jooq.SqliteSynchronous}; the implementation (the stores, the SQLite writer, the PostgreSQL pool, migrations) is package-private here. The
 * classes jOOQ generates from the schema at build time live in {@code dev.parley.chat.store.jooq.internal.generated}:
 * jOOQ generates public classes, and that package is not an API.
 */
package dev.parley.chat.store.jooq;
