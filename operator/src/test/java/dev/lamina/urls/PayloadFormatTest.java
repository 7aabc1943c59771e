package dev.lamina.urls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PayloadFormatTest {

    @Test
    void theUrlsSettingNamesTheFormat() {
        assertThat(PayloadFormat.of(null, true)).isEqualTo(new FunctionUrlFormat());
        assertThat(PayloadFormat.of("2.0", false)).isEqualTo(new FunctionUrlFormat());
        assertThat(PayloadFormat.of("1.0", true)).isEqualTo(new RestProxyFormat());
        assertThat(PayloadFormat.of("alb", true)).isEqualTo(new LoadBalancerFormat(true));
        assertThat(PayloadFormat.of("alb", false)).isEqualTo(new LoadBalancerFormat(false));
        assertThatThrownBy(() -> PayloadFormat.of("3.0", false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3.0");
    }
}
