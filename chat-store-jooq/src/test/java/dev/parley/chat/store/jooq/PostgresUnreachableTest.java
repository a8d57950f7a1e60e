package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.chat.core.ErrorCode;
import dev.parley.chat.core.UnavailableException;
import org.junit.jupiter.api.Test;

/** Needs no server: nothing listens on port 1. */
class PostgresUnreachableTest {
    @Test
    void unreachableServerFailsWithStorageUnavailableWithoutLeakingTheUrl() {
        UnavailableException e = catchThrowableOfType(UnavailableException.class,
                () -> JooqChatStorage.postgres("jdbc:postgresql://127.0.0.1:1/secretdb?user=someone&connectTimeout=2"));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        assertThat(e.getMessage()).doesNotContain("secretdb").doesNotContain("someone");
    }
}
