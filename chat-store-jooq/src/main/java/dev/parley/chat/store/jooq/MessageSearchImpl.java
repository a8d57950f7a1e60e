package dev.parley.chat.store.jooq;

import static dev.parley.chat.store.jooq.internal.generated.Tables.MESSAGES;

import dev.parley.chat.core.Message;
import dev.parley.chat.core.spi.MessageSearch;
import dev.parley.chat.core.spi.SearchQuery;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Message search on the indexes of change set {@code 12-search}; neither is known to the code generator, so they are
 * named here in plain SQL.
 *
 * <p><b>SQLite</b>: the FTS5 table {@code messages_fts} holds {@code messages.body} (external content, kept in step
 * by triggers on insert, update of the body and delete), tokenised by {@code unicode61} with diacritics kept and
 * token characters limited to letters and decimal digits ({@code categories 'L* Nd'}), which is the rule of
 * {@link dev.parley.chat.core.SearchTerms}. Each term becomes the prefix query {@code "term"*}, and the terms are
 * ANDed; FTS5 yields matches in rowid (= message id) order, so newest first with a limit reads only what it returns.
 *
 * <p><b>PostgreSQL</b>: the stored generated column {@code messages.search_vector} with a GIN index holds the
 * {@code simple} configuration's lexemes of the body twice over: as PostgreSQL's parser splits it, and after every
 * run of non-alphanumerics is replaced by a space. The second is the rule's split (so {@code com} finds
 * {@code example.com}, which the parser keeps whole as a host name); the first keeps non-ASCII words searchable on
 * a database whose {@code LC_CTYPE} is {@code C}, where the regular expression knows only ASCII letters. A union can
 * only add candidates, and the service drops those that break the rule. Queried with
 * {@code to_tsquery('simple', 'term':* & ...)}.
 */
final class MessageSearchImpl implements MessageSearch {
    private static final Field<Long> FTS_ROWID = DSL.field(DSL.name("messages_fts", "rowid"), Long.class);

    private final Db db;

    MessageSearchImpl(Db db) {
        this.db = db;
    }

    @Override
    public List<Message> search(SearchQuery query) {
        Objects.requireNonNull(query, "query == null");
        Set<Long> rooms = query.roomIds();
        if (rooms.isEmpty()) {
            return List.of();
        }
        return db.read("search messages", dsl -> MessageStoreImpl.findByIds(dsl, matchingIds(dsl, query, rooms)));
    }

    private static List<Long> matchingIds(DSLContext dsl, SearchQuery query, Set<Long> rooms) {
        // No "id < MAX" for the first page: PostgreSQL would plan it as a bitmap scan of the whole primary key.
        boolean paged = query.beforeId() != Long.MAX_VALUE;
        Condition common = MESSAGES.ROOM_ID.in(rooms)
                .and(MESSAGES.DELETED.isFalse())
                .and(paged ? MESSAGES.ID.lt(query.beforeId()) : DSL.noCondition());
        if (dsl.dialect().family() == SQLDialect.POSTGRES) {
            String tsquery = query.terms().terms().stream().map(t -> "'" + t + "':*")
                    .collect(Collectors.joining(" & "));
            return dsl.select(MESSAGES.ID)
                    .from(MESSAGES)
                    .where(DSL.condition("{0} @@ to_tsquery('simple', {1})", DSL.field(DSL.name("search_vector")),
                            DSL.val(tsquery)))
                    .and(common)
                    .orderBy(MESSAGES.ID.desc())
                    .limit(query.limit())
                    .fetch(MESSAGES.ID);
        }
        // Terms are runs of letters and digits: nothing in them needs quoting inside the double quotes.
        String match = query.terms().terms().stream().map(t -> '"' + t + "\"*").collect(Collectors.joining(" "));
        return dsl.select(MESSAGES.ID)
                .from(DSL.table(DSL.name("messages_fts")))
                .join(MESSAGES).on(MESSAGES.ID.eq(FTS_ROWID))
                .where(DSL.condition("{0} MATCH {1}", DSL.field(DSL.name("messages_fts")), DSL.val(match)))
                .and(paged ? FTS_ROWID.lt(query.beforeId()) : DSL.noCondition())
                .and(common)
                .orderBy(FTS_ROWID.desc())
                .limit(query.limit())
                .fetch(MESSAGES.ID);
    }
}
