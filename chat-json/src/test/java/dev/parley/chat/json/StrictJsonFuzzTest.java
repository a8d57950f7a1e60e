package dev.parley.chat.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.ByteArrayInputStream;

/**
 * Fuzzes {@link StrictJson} with arbitrary bytes, starting from the corpus in
 * {@code src/test/resources/dev/parley/chat/json/StrictJsonFuzzTestInputs/}. Invariants: the only exception is
 * {@link MalformedJsonException}, with a message; an accepted object reads back equal from its own serialisation;
 * and a lax reader (Parsson's {@code JsonReader}, which takes trailing content, duplicates and lone surrogates) reads
 * the same object from the same bytes, so what is accepted means one thing to every reader. Hangs fail through
 * Jazzer's per-input timeout.
 */
class StrictJsonFuzzTest {
    private static final JsonProvider LAX = new org.eclipse.parsson.JsonProviderImpl();

    @FuzzTest(maxDuration = "5s")
    @DictionaryFile(resourcePath = "/dev/parley/chat/json/json.dict")
    void readsOrRefusesAnyBytes(byte[] input) {
        JsonObject object;
        try {
            object = StrictJson.readObject(input);
        } catch (MalformedJsonException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(StrictJson.readObject(object.toString())).isEqualTo(object);
        try (JsonReader lax = LAX.createReader(new ByteArrayInputStream(input))) {
            assertThat(lax.readObject()).isEqualTo(object);
        }
    }
}
