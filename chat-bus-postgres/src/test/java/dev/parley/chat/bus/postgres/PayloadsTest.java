package dev.parley.chat.bus.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PayloadsTest {
    @Test
    void countsUtf8BytesAsTheDatabaseWill() {
        for (String payload : List.of("", "ascii", "é", "€", "😀", "mixed é € 😀 text")) {
            assertThat(Payloads.validate(payload)).isEqualTo(payload.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void acceptsUpToTheLimitAndRejectsBeyond() {
        assertThat(Payloads.validate("x".repeat(7_900))).isEqualTo(7_900);
        assertThat(Payloads.validate("😀".repeat(1_975))).isEqualTo(7_900);
        assertThatThrownBy(() -> Payloads.validate("x".repeat(7_901))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Payloads.validate("😀".repeat(1_975) + "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsWhatCouldNotTravelUnaltered() {
        assertThatThrownBy(() -> Payloads.validate("a\nb")).hasMessageContaining("line feed");
        assertThatThrownBy(() -> Payloads.validate("a\0b")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> Payloads.validate("a\uDE00b")).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> Payloads.validate("a\uD83D")).hasMessageContaining("unpaired surrogate");
    }

    @Test
    void packsGreedilyWithinTheLimitAndSplitsBackExactly() {
        List<String> payloads = new ArrayList<>();
        IntStream.range(0, 1_000).forEach(i -> payloads.add("payload-" + i + "-" + "é".repeat(i % 40)));
        payloads.add("");
        payloads.add("x".repeat(7_900));
        payloads.add("");

        List<String> packed = Payloads.pack(payloads);

        assertThat(packed).allSatisfy(text ->
                assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(Payloads.MAX_BYTES));
        List<String> unpacked = new ArrayList<>();
        packed.forEach(text -> unpacked.addAll(Payloads.split(text)));
        assertThat(unpacked).containsExactlyElementsOf(payloads);
        int total = payloads.stream().mapToInt(p -> p.getBytes(StandardCharsets.UTF_8).length + 1).sum();
        assertThat(packed).hasSizeLessThanOrEqualTo(total / Payloads.MAX_BYTES + 3);
    }

    @Test
    void keepsLonePayloadsIntact() {
        assertThat(Payloads.pack(List.of())).isEmpty();
        assertThat(Payloads.pack(List.of(""))).containsExactly("");
        assertThat(Payloads.split("")).containsExactly("");
        assertThat(Payloads.pack(List.of("a", "", "b"))).containsExactly("a\n\nb");
        assertThat(Payloads.split("a\n\nb")).containsExactly("a", "", "b");
    }
}
