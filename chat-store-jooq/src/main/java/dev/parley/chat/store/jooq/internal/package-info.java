/**
 * Implementation of {@code chat-store-jooq}; not an API, may change in any release. The generated jOOQ classes live
 * in {@code dev.parley.chat.store.jooq.internal.generated}, produced at build time from the Liquibase changelog.
 */
package dev.parley.chat.store.jooq.internal;
