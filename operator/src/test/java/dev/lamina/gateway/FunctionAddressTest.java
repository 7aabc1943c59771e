package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FunctionAddressTest {

    @Test
    void readsAllOfLambdasNamingForms() throws Exception {
        assertThat(FunctionAddress.parse("hello", null)).isEqualTo(new FunctionAddress(null, "hello", null));
        assertThat(FunctionAddress.parse("hello:live", null)).isEqualTo(new FunctionAddress(null, "hello", "live"));
        assertThat(FunctionAddress.parse("hello:$LATEST", null))
                .isEqualTo(new FunctionAddress(null, "hello", "$LATEST"));
        assertThat(FunctionAddress.parse("123456789012:function:hello:3", null))
                .isEqualTo(new FunctionAddress("123456789012", "hello", "3"));
        assertThat(FunctionAddress.parse("arn:aws:lambda:eu-west-1:123456789012:function:hello", null))
                .isEqualTo(new FunctionAddress("123456789012", "hello", null));
        assertThat(FunctionAddress.parse("arn:aws:lambda:eu-west-1:123456789012:function:hello:live", "live"))
                .isEqualTo(new FunctionAddress("123456789012", "hello", "live"));
        assertThat(FunctionAddress.parse("hello", "7")).isEqualTo(new FunctionAddress(null, "hello", "7"));
    }

    @Test
    void rejectsQualifiersThatDisagree() {
        assertThatThrownBy(() -> FunctionAddress.parse("hello:live", "2"))
                .isInstanceOf(FunctionAddress.InvalidAddress.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void rejectsWhatIsNotAFunctionName() {
        assertThatThrownBy(() -> FunctionAddress.parse("no spaces", null))
                .isInstanceOf(FunctionAddress.InvalidAddress.class);
        assertThatThrownBy(() -> FunctionAddress.parse("arn:aws:s3:::bucket", null))
                .isInstanceOf(FunctionAddress.InvalidAddress.class);
        assertThatThrownBy(() -> FunctionAddress.parse("hello", "a/b"))
                .isInstanceOf(FunctionAddress.InvalidAddress.class);
        assertThatThrownBy(() -> FunctionAddress.parse("", null))
                .isInstanceOf(FunctionAddress.InvalidAddress.class);
    }
}
