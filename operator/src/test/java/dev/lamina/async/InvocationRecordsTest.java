package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InvocationRecordsTest {

    @Test
    void theErrorMessageIsTheFunctionErrorsMessageField() {
        assertThat(InvocationRecords.errorMessage(ScriptedFunctions.error("disk full"))).isEqualTo("disk full");
    }

    @Test
    void anErrorBodyWithoutMessageFieldIsPassedWhole() {
        var raw = new AttemptOutcome.FunctionError("1", "Unhandled", "segfault".getBytes(StandardCharsets.UTF_8));
        var object = new AttemptOutcome.FunctionError("1", "Unhandled", "{\"code\":7}".getBytes(StandardCharsets.UTF_8));

        assertThat(InvocationRecords.errorMessage(raw)).isEqualTo("segfault");
        assertThat(InvocationRecords.errorMessage(object)).isEqualTo("{\"code\":7}");
    }

    @Test
    void anEmptyErrorMessageBecomesTheStatusBecauseSqsRefusesEmptyAttributes() {
        assertThat(InvocationRecords.errorMessage(new AttemptOutcome.PlatformError(503, "ServiceException", "")))
                .isEqualTo("HTTP 503");
    }

    @Test
    void truncationKeepsTheFirstKilobyteWithoutSplittingACharacter() {
        String text = "a" + "€".repeat(500); // 1 + 1500 bytes; a 3-byte character straddles byte 1024

        String cut = InvocationRecords.truncateUtf8(text, 1024);

        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(1 + 3 * 341);
        assertThat(text).startsWith(cut);
        assertThat(InvocationRecords.truncateUtf8("short", 1024)).isEqualTo("short");
    }
}
