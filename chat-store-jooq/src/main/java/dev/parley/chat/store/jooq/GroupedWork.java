package dev.parley.chat.store.jooq;

import java.util.List;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * Write work that the SQLite writer may run together with the works of the same class that follow it in a group
 * commit, with one set of statements for all of them instead of one per work (see {@link SqliteDb}, "Multi-row
 * batches"). Run alone, through {@link #apply}, it must have the same effect as its part of {@link #runGroup}.
 *
 * @param <T> the result of one work
 */
interface GroupedWork<T> extends Function<DSLContext, T> {
    /**
     * Runs {@code group} (this work first, then works of the same class, in submission order) as one unit.
     * Throwing anything means "run each alone": the writer rolls back what this did and runs each work through
     * {@link #apply} under its own savepoint, so a work that fails then fails alone. Throwing is therefore the
     * answer to anything unusual (an idempotent retry, a missing room, a reply not found), not only to errors.
     *
     * @return one result per work, in the order of {@code group}
     */
    List<T> runGroup(DSLContext dsl, List<? extends GroupedWork<T>> group);
}
