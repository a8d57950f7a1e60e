package dev.parley.chat.store.jooq;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DriversTest {
    @Test
    void aMissingDriverIsNamedWithTheArtifactToAdd() {
        assertThatThrownBy(() -> Drivers.require("org.example.NoSuchDriver", "SQLite", "org.xerial:sqlite-jdbc"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SQLite storage")
                .hasMessageContaining("org.xerial:sqlite-jdbc")
                .hasMessageContaining("org.example.NoSuchDriver")
                .hasCauseInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void theDriversOfThisModulesTestsArePresent() {
        assertThatCode(Drivers::requireSqlite).doesNotThrowAnyException();
        assertThatCode(Drivers::requirePostgres).doesNotThrowAnyException();
    }
}
