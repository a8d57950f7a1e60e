package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.store.jooq.SqliteSynchronous;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerConfigTest {
    @Test
    void defaultsApplyWhenNothingIsSet() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("HOME", "/root"));
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(c.dbUrl()).isEqualTo("jdbc:sqlite:./data/parley.db");
        assertThat(c.postgres()).isFalse();
        assertThat(c.sqliteFile()).isEqualTo(Path.of("./data/parley.db"));
        assertThat(c.allowedOrigins()).isEmpty();
        assertThat(c.maxMessageLength()).isEqualTo(4000);
        assertThat(c.sessionIdleTimeout()).isEqualTo(Duration.ofDays(7));
        assertThat(c.sessionLifetime()).isEqualTo(Duration.ofDays(30));
        assertThat(c.maxBodyBytes()).isEqualTo(65_536);
        assertThat(c.loginMaxFailures()).isEqualTo(5);
        assertThat(c.loginFailureWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.dbConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.dbSocketTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.sqliteSynchronous()).isEqualTo(SqliteSynchronous.NORMAL);
        assertThat(c.unknownKeys()).isEmpty();
    }

    @Test
    void valuesAreParsed() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of(
                "PARLEY_PORT", "9000",
                "PARLEY_BIND", "0.0.0.0",
                "PARLEY_DB_URL", "jdbc:postgresql://db/parley?user=p&password=secret",
                "PARLEY_ALLOWED_ORIGINS", " https://Chat.Example.com , http://localhost:3000,",
                "PARLEY_SESSION_IDLE_TIMEOUT", "PT24H",
                "PARLEY_SESSION_LIFETIME", "P30D",
                "PARLEY_TYPO", "x"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.postgres()).isTrue();
        assertThat(c.allowedOrigins()).containsExactly("https://chat.example.com", "http://localhost:3000");
        assertThat(c.sessionIdleTimeout()).isEqualTo(Duration.ofHours(24));
        assertThat(c.unknownKeys()).containsExactly("PARLEY_TYPO");
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void databaseTimeoutsAndTheSqliteSyncModeAreParsed() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of(
                "PARLEY_DB_CONNECT_TIMEOUT", "PT2S",
                "PARLEY_DB_SOCKET_TIMEOUT", "pt1m",
                "PARLEY_SQLITE_SYNCHRONOUS", "FULL"));
        assertThat(c.dbConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.dbSocketTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.sqliteSynchronous()).isEqualTo(SqliteSynchronous.FULL);
        assertThat(c.toString()).contains("dbConnectTimeout=PT2S", "sqliteSynchronous=FULL");
    }

    @Test
    void aBadSyncModeIsNamedWithTheChoices() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("PARLEY_SQLITE_SYNCHRONOUS", "extra")))
                .hasMessage("PARLEY_SQLITE_SYNCHRONOUS: expected one of normal, full, got \"extra\"");
    }

    @Test
    void aTimeoutOutOfRangeSaysTheRange() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("PARLEY_DB_CONNECT_TIMEOUT", "PT0.1S")))
                .hasMessage("PARLEY_DB_CONNECT_TIMEOUT: expected an ISO-8601 duration from PT0.25S to PT5M, "
                        + "got \"PT0.1S\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PARLEY_PORT|abc",
        "PARLEY_PORT|70000",
        "PARLEY_BIND|not an address",
        "PARLEY_DB_URL|mysql://db",
        "PARLEY_DB_URL|jdbc:sqlite::memory:",
        "PARLEY_ALLOWED_ORIGINS|chat.example.com",
        "PARLEY_ALLOWED_ORIGINS|https://chat.example.com/path",
        "PARLEY_MAX_MESSAGE_LENGTH|0",
        "PARLEY_SESSION_IDLE_TIMEOUT|24h",
        "PARLEY_SESSION_LIFETIME|-PT1H",
        "PARLEY_MAX_BODY_BYTES|lots",
        "PARLEY_WS_MAX_FRAME_BYTES|10",
        "PARLEY_WS_RATE_PER_SECOND|0",
        "PARLEY_WS_MAX_CONNECTIONS_PER_ADDRESS|x",
        "PARLEY_WS_OUTBOUND_QUEUE|-1",
        "PARLEY_LOGIN_MAX_FAILURES|0",
        "PARLEY_LOGIN_FAILURE_WINDOW|PT0S",
        "PARLEY_DB_CONNECT_TIMEOUT|5s",
        "PARLEY_DB_CONNECT_TIMEOUT|PT10M",
        "PARLEY_DB_SOCKET_TIMEOUT|PT0.5S",
        "PARLEY_DB_SOCKET_TIMEOUT|0",
        "PARLEY_SQLITE_SYNCHRONOUS|off",
    })
    void aBadValueFailsNamingItsKey(String key, String value) {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key + ": ");
    }

    @Test
    void aBadPortSaysWhatWasExpected() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("PARLEY_PORT", "abc")))
                .hasMessage("PARLEY_PORT: expected an integer from 0 to 65535, got \"abc\"");
    }

    @Test
    void aBadDatabaseUrlIsNotEchoedBecauseItMayHoldCredentials() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("PARLEY_DB_URL", "jdbc:mysql://u:hunter2@db")))
                .hasMessageStartingWith("PARLEY_DB_URL: ").message().doesNotContain("hunter2");
    }

    @Test
    void theDotEnvFileIsReadAndTheRealEnvironmentWins(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".env"), "PARLEY_PORT=9100\nPARLEY_BIND=0.0.0.0\n# comment\n");
        ServerConfig c = ServerConfig.load(dir, Map.of("PARLEY_PORT", "9200"));
        assertThat(c.port()).isEqualTo(9200);
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(ServerConfig.load(dir.resolve("missing"), Map.of()).port()).isEqualTo(8080);
    }

    @Test
    void aBadValueInTheDotEnvFileIsReportedToo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".env"), "PARLEY_LOGIN_FAILURE_WINDOW=soon\n");
        assertThatThrownBy(() -> ServerConfig.load(dir, Map.of()))
                .hasMessageStartingWith("PARLEY_LOGIN_FAILURE_WINDOW: ");
    }

    @Test
    void theBusDefaultsToInProcessAndAcceptsPostgresAUrlOrRedis() {
        String pg = "jdbc:postgresql://db/parley";
        assertThat(ServerConfig.fromEnvironment(Map.of()).bus().kind())
                .isEqualTo(ServerConfig.BusChoice.Kind.INPROCESS);
        ServerConfig postgres = ServerConfig.fromEnvironment(Map.of("PARLEY_DB_URL", pg, "PARLEY_BUS", "postgres"));
        assertThat(postgres.bus()).isEqualTo(new ServerConfig.BusChoice(ServerConfig.BusChoice.Kind.POSTGRES, null,
                "parley"));
        ServerConfig direct = ServerConfig.fromEnvironment(Map.of("PARLEY_DB_URL", pg, "PARLEY_BUS",
                "jdbc:postgresql://direct/parley", "PARLEY_BUS_CHANNEL", "blue"));
        assertThat(direct.bus()).isEqualTo(new ServerConfig.BusChoice(ServerConfig.BusChoice.Kind.POSTGRES,
                "jdbc:postgresql://direct/parley", "blue"));
        ServerConfig redis = ServerConfig.fromEnvironment(Map.of("PARLEY_DB_URL", pg, "PARLEY_BUS",
                "redis://cache:6380/2"));
        assertThat(redis.bus()).isEqualTo(new ServerConfig.BusChoice(ServerConfig.BusChoice.Kind.REDIS,
                "redis://cache:6380/2", "parley"));
        assertThat(redis.toString()).contains("bus=redis://cache:6380/2");
        assertThat(direct.toString()).contains("bus=postgres (own URL)").doesNotContain("direct");
    }

    @Test
    void aBusWithSqliteIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("PARLEY_BUS", "postgres")))
                .hasMessageStartingWith("PARLEY_BUS: ").hasMessageContaining("SQLite stays single-node");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("PARLEY_BUS", "redis://127.0.0.1:6379")))
                .hasMessageStartingWith("PARLEY_BUS: ");
    }

    @Test
    void badBusSettingsAreRefusedNamingTheKey() {
        String pg = "jdbc:postgresql://db/parley";
        ServerConfig secret = ServerConfig.fromEnvironment(Map.of("PARLEY_DB_URL", pg, "PARLEY_BUS",
                "redis://:hunter2@cache:6379"));
        assertThat(secret.toString()).contains("bus=redis://***@cache:6379").doesNotContain("hunter2");
        for (String bad : List.of("kafka", "redis://", "redis://host:6379/x",
                "redis://host:6379?x=1", "http://host")) {
            assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("PARLEY_DB_URL", pg, "PARLEY_BUS", bad)))
                    .as(bad).hasMessageStartingWith("PARLEY_BUS: ");
        }
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("PARLEY_BUS_CHANNEL", "Bad-Name")))
                .hasMessageStartingWith("PARLEY_BUS_CHANNEL: ");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("PARLEY_PRESENCE_TTL", "PT0.1S")))
                .hasMessageStartingWith("PARLEY_PRESENCE_TTL: ");
    }

    @Test
    void everyKeyIsDocumentedInEnvExample() throws Exception {
        String text = Files.readString(Path.of("..", ".env.example"));
        // .env.example lists exactly the table's keys, in its order, each with the table's default
        java.util.LinkedHashMap<String, String> documented = new java.util.LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("PARLEY_")) {
                String[] kv = line.split("=", 2);
                assertThat(documented.put(kv[0], kv[1])).as("%s twice", kv[0]).isNull();
            }
        }
        java.util.LinkedHashMap<String, String> table = new java.util.LinkedHashMap<>();
        for (ServerConfig.Setting setting : ServerConfig.SETTINGS) {
            table.put(setting.key(), setting.defaultValue());
        }
        assertThat(documented).containsExactlyEntriesOf(table);
        // and the documented values are the defaults the reader applies
        assertThat(ServerConfig.fromEnvironment(documented).toString())
                .isEqualTo(ServerConfig.fromEnvironment(Map.of()).toString());
    }

    @Test
    void everyKeyConstantIsInTheTableWithAOneLineMeaning() throws Exception {
        List<String> constants = new java.util.ArrayList<>();
        for (java.lang.reflect.Field field : ServerConfig.class.getFields()) {
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                String value = (String) field.get(null);
                if (value.startsWith("PARLEY_")) {
                    constants.add(value);
                }
            }
        }
        assertThat(ServerConfig.SETTINGS).extracting(ServerConfig.Setting::key)
                .containsExactlyInAnyOrderElementsOf(constants);
        for (ServerConfig.Setting setting : ServerConfig.SETTINGS) {
            assertThat(setting.meaning()).as(setting.key()).isNotBlank().doesNotContain("\n");
        }
    }

    @Test
    void theLogFormatIsTextOrJson() {
        assertThat(ServerConfig.fromEnvironment(Map.of()).logFormat()).isEqualTo(ServerConfig.LogFormat.TEXT);
        assertThat(ServerConfig.fromEnvironment(Map.of("PARLEY_LOG_FORMAT", "JSON")).logFormat())
                .isEqualTo(ServerConfig.LogFormat.JSON);
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("PARLEY_LOG_FORMAT", "xml")))
                .hasMessage("PARLEY_LOG_FORMAT: expected one of text, json, got \"xml\"");
    }
}
