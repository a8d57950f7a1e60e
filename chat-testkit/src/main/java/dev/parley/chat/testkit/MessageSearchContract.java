package dev.parley.chat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.core.ChatService;
import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.Message;
import dev.parley.chat.core.Room;
import dev.parley.chat.core.RoomType;
import dev.parley.chat.core.SearchPage;
import dev.parley.chat.core.SearchResult;
import dev.parley.chat.core.SearchTerms;
import dev.parley.chat.core.User;
import dev.parley.chat.core.spi.ChatStorage;
import dev.parley.chat.core.spi.MessageSearch;
import dev.parley.chat.core.spi.SearchQuery;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link ChatStorage}'s {@link MessageSearch}: the rule of {@link SearchTerms} (an AND of prefix
 * terms over lower-cased runs of letters and digits, non-ASCII words included), deleted messages never found, edits
 * found at once, newest first with an exclusive {@code before} cursor and a limit, and never a message outside the
 * rooms asked for. A storage's index may return extra candidates for unusual text (see {@link MessageSearch}), so
 * the suite compares the candidates that obey the rule, and checks that every candidate obeys the rooms, the
 * cursor, the limit and deletion. Extend it in the test sources of a storage implementation:
 *
 * <pre>{@code
 * class MyMessageSearchTest extends MessageSearchContract {
 *     @Override
 *     protected ChatStorage createStorage() {
 *         return MyChatStorage.open(freshDatabase()); // empty, and closed after each test
 *     }
 * }
 * }</pre>
 */
public abstract class MessageSearchContract extends StoreContractSupport {
    /** For subclasses. */
    protected MessageSearchContract() {
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private MessageSearch search() {
        return storage().search().orElseThrow(() -> new AssertionError("the storage offers no search"));
    }

    /** The bodies the store finds in some rooms, newest first, after checking every candidate's conditions. */
    private List<String> find(String query, Set<Long> readable, Long room, long before, int limit) {
        SearchQuery q = new SearchQuery(SearchTerms.parse(query), readable, room, before, limit);
        List<Message> found = search().search(q);
        assertThat(found).as("at most the limit").hasSizeLessThanOrEqualTo(limit);
        List<String> bodies = new ArrayList<>();
        long previous = Long.MAX_VALUE;
        for (Message m : found) {
            assertThat(q.roomIds()).as("rooms searched").contains(m.roomId());
            assertThat(m.deleted()).as("deleted").isFalse();
            assertThat(m.id()).as("newest first, below the cursor").isLessThan(previous).isLessThan(before);
            previous = m.id();
            if (q.terms().matches(m.body())) {
                bodies.add(m.body());
            }
        }
        return bodies;
    }

    private List<String> find(String query, Room... rooms) {
        Set<Long> ids = new HashSet<>();
        for (Room r : rooms) {
            ids.add(r.id());
        }
        return find(query, ids, null, Long.MAX_VALUE, 100);
    }

    // ---- the rule ---------------------------------------------------------------------------------------------

    @Test
    void everyTermMustBeAPrefixOfSomeToken() {
        Room room = createRoom();
        User u = createUser();
        post(room, u, "the quick brown fox");
        post(room, u, "a quick reply");
        post(room, u, "brown bread");
        post(room, u, "quickly, browse");
        assertThat(find("quick brown", room)).containsExactly("the quick brown fox");
        assertThat(find("brow quick", room)).containsExactly("quickly, browse", "the quick brown fox");
        assertThat(find("qui", room)).containsExactly("quickly, browse", "a quick reply", "the quick brown fox");
        assertThat(find("uick", room)).isEmpty();
        assertThat(find("quick bread", room)).isEmpty();
    }

    @Test
    void caseDoesNotMatterAndNonAsciiWordsAndDigitsAreTokens() {
        Room room = createRoom();
        User u = createUser();
        post(room, u, "Viele Grüße aus Köln");
        post(room, u, "a naïve approach");
        post(room, u, "Привет, МИР");
        post(room, u, "room 42b at 1600");
        post(room, u, "東京 station");
        assertThat(find("GRÜSSE", room)).isEmpty();
        assertThat(find("grü köln", room)).containsExactly("Viele Grüße aus Köln");
        assertThat(find("NAÏ", room)).containsExactly("a naïve approach");
        assertThat(find("naive", room)).isEmpty();
        assertThat(find("мир при", room)).containsExactly("Привет, МИР");
        assertThat(find("42 16", room)).containsExactly("room 42b at 1600");
        assertThat(find("東京", room)).containsExactly("東京 station");
    }

    @Test
    void punctuationSplitsTokensInUrlsAddressesAndHyphenatedWords() {
        Room room = createRoom();
        User u = createUser();
        post(room, u, "see https://example.com/docs/page-two?id=7");
        post(room, u, "mail bob@mail.example.org now");
        post(room, u, "a well-known snake_case thing");
        assertThat(find("com docs two", room)).containsExactly("see https://example.com/docs/page-two?id=7");
        assertThat(find("mail exam", room)).containsExactly("mail bob@mail.example.org now");
        assertThat(find("exam", room)).containsExactly("mail bob@mail.example.org now",
                "see https://example.com/docs/page-two?id=7");
        assertThat(find("bob org", room)).containsExactly("mail bob@mail.example.org now");
        assertThat(find("known case", room)).containsExactly("a well-known snake_case thing");
    }

    // ---- keeping in step with writes --------------------------------------------------------------------------

    @Test
    void deletedMessagesNeverMatch() {
        Room room = createRoom();
        User u = createUser();
        Message gone = post(room, u, "secret plan");
        post(room, u, "public plan");
        messages().delete(gone.id(), at(1));
        assertThat(find("plan", room)).containsExactly("public plan");
        assertThat(find("secret", room)).isEmpty();
    }

    @Test
    void anEditIsFoundByItsNewBodyAtOnceAndNoLongerByItsOld() {
        Room room = createRoom();
        User u = createUser();
        Message m = post(room, u, "meet at noon");
        messages().edit(m.id(), "meet at dawn", at(1));
        assertThat(find("noon", room)).isEmpty();
        assertThat(find("dawn meet", room)).containsExactly("meet at dawn");
    }

    // ---- order, cursor, limit, rooms --------------------------------------------------------------------------

    @Test
    void newestFirstAndTheBeforeCursorIsExclusive() {
        Room a = createRoom();
        Room b = createRoom();
        User u = createUser();
        List<Message> posted = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            posted.add(post(i % 2 == 0 ? a : b, u, "note " + i));
            post(a, u, "other " + i);
        }
        Set<Long> both = Set.of(a.id(), b.id());
        assertThat(find("note", both, null, Long.MAX_VALUE, 100))
                .containsExactly("note 6", "note 5", "note 4", "note 3", "note 2", "note 1");
        assertThat(find("note", both, null, posted.get(3).id(), 100)).containsExactly("note 3", "note 2", "note 1");
        assertThat(find("note", both, null, posted.get(0).id(), 100)).isEmpty();
    }

    @Test
    void returnsAtMostTheLimitTheNewest() {
        Room room = createRoom();
        User u = createUser();
        for (int i = 1; i <= 5; i++) {
            post(room, u, "item " + i);
        }
        assertThat(find("item", Set.of(room.id()), null, Long.MAX_VALUE, 2)).containsExactly("item 5", "item 4");
        assertThat(find("item", Set.of(room.id()), null, Long.MAX_VALUE, 1)).containsExactly("item 5");
    }

    @Test
    void theRoomFilterKeepsOneReadableRoom() {
        Room a = createRoom();
        Room b = createRoom();
        User u = createUser();
        post(a, u, "alpha in a");
        post(b, u, "alpha in b");
        Set<Long> both = Set.of(a.id(), b.id());
        assertThat(find("alpha", both, a.id(), Long.MAX_VALUE, 10)).containsExactly("alpha in a");
        assertThat(find("alpha", both, b.id(), Long.MAX_VALUE, 10)).containsExactly("alpha in b");
        assertThat(find("alpha", Set.of(a.id()), b.id(), Long.MAX_VALUE, 10)).as("a room outside the readable set")
                .isEmpty();
    }

    @Test
    void neverReturnsAMessageOfARoomOutsideTheReadableSet() {
        Room mine = createRoom();
        Room secret = createRoom("secret-room", RoomType.PRIVATE);
        Room other = createRoom();
        User u = createUser();
        for (int i = 0; i < 20; i++) {
            post(secret, u, "password " + i);
            post(other, u, "password other " + i);
        }
        post(mine, u, "password mine");
        assertThat(find("password", mine)).containsExactly("password mine");
        assertThat(find("password", Set.of(), null, Long.MAX_VALUE, 100)).isEmpty();
        List<Message> raw = search().search(new SearchQuery(SearchTerms.parse("pass"), Set.of(mine.id()), null,
                Long.MAX_VALUE, 100));
        assertThat(raw).extracting(Message::roomId).containsOnly(mine.id());
    }

    // ---- through the service ----------------------------------------------------------------------------------

    @Test
    void throughTheServiceResultsCarryUtf16HighlightsAndOnlyTheCallersRooms() {
        try (ChatService chat = ChatService.builder().storage(storage()).passwordHasher(new FastTestPasswordHasher())
                .build()) {
            User alice = chat.register("alice", "password-alice");
            User bob = chat.register("bob", "password-bob");
            chat.createRoom(alice, "team", RoomType.PRIVATE);
            chat.createRoom(bob, "lobby", RoomType.PUBLIC);
            chat.join(alice, "lobby");
            String body = "👍🏽 Hello 𝒳 world, hello again";
            Message hello = chat.send(alice, "team", body, null);
            chat.send(bob, "lobby", "hello from bob", null);
            chat.send(bob, "lobby", "nothing here", null);

            SearchPage forAlice = chat.search(alice, "HELLO wor", null, null, 20);
            assertThat(forAlice.results()).extracting(r -> r.message().id()).containsExactly(hello.id());
            SearchResult r = forAlice.results().get(0);
            assertThat(r.message().body()).isEqualTo(body);
            assertThat(r.highlights()).containsExactly(new SearchResult.Highlight(5, 10),
                    new SearchResult.Highlight(14, 19), new SearchResult.Highlight(21, 26));
            assertThat(forAlice.nextBefore()).isNull();

            assertThat(chat.search(alice, "hello", null, null, 20).results()).hasSize(2);
            SearchPage first = chat.search(alice, "hello", null, null, 1);
            assertThat(first.results()).extracting(x -> x.message().body()).containsExactly("hello from bob");
            SearchPage second = chat.search(alice, "hello", null, first.nextBefore(), 1);
            assertThat(second.results()).extracting(x -> x.message().id()).containsExactly(hello.id());
            assertThat(second.nextBefore()).isNull();

            assertThat(chat.search(bob, "hello", null, null, 20).results()).extracting(x -> x.message().body())
                    .containsExactly("hello from bob");
            assertThat(catchChatException(() -> chat.search(bob, "hello", "team", null, 20)).code())
                    .isEqualTo(ErrorCode.ROOM_NOT_FOUND);
            assertThat(catchChatException(() -> chat.search(bob, "?!", null, null, 20)).code())
                    .isEqualTo(ErrorCode.INVALID_QUERY);
        }
    }
}
