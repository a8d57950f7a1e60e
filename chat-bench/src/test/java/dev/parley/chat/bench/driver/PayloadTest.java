package dev.parley.chat.bench.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {
    @Test
    void isAHundredPlainBytesCarryingSequenceAndTime() {
        String p = Payload.of(12, 3_456_789);
        assertThat(p).hasSize(Payload.SIZE).matches("PBM0000000012:0000000000003456789x+");
        byte[] b = p.getBytes(StandardCharsets.US_ASCII);
        assertThat(Payload.seq(b, 0)).isEqualTo(12);
        assertThat(Payload.time(b, 0)).isEqualTo(3_456_789);
    }

    @Test
    void findsThePayloadInsideAParleyEventByScanning() {
        String frame = "{\"type\":\"message\",\"message\":{\"id\":88,\"room\":\"bench\",\"seq\":7,\"sender\":\"bench1\","
                + "\"body\":\"" + Payload.of(9_999_999_999L, Long.MAX_VALUE) + "\",\"createdAt\":\"2030-01-01T12:00:00Z\"}}";
        byte[] b = ("xx" + frame).getBytes(StandardCharsets.US_ASCII);
        int at = Payload.find(b, 2, b.length);
        assertThat(at).isEqualTo(2 + frame.indexOf("PBM"));
        assertThat(Payload.seq(b, at)).isEqualTo(9_999_999_999L);
        assertThat(Payload.time(b, at)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void doesNotFindATruncatedOrAbsentPayload() {
        byte[] whole = Payload.of(1, 2).getBytes(StandardCharsets.US_ASCII);
        assertThat(Payload.find(whole, 0, Payload.HEADER)).isZero();
        assertThat(Payload.find(whole, 0, Payload.HEADER - 1)).isEqualTo(-1);
        byte[] other = "{\"type\":\"presence\",\"room\":\"bench\",\"state\":\"online\"}".getBytes(StandardCharsets.US_ASCII);
        assertThat(Payload.find(other, 0, other.length)).isEqualTo(-1);
    }
}
