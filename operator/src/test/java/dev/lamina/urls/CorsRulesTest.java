package dev.lamina.urls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.FunctionSpec;
import dev.lamina.urls.CorsRules.Header;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CorsRulesTest {

    private static final String APP = "https://app.example.com";
    private static final String OTHER = "https://evil.example.net";

    private static CorsRules rules(Boolean credentials, List<String> headers, List<String> methods,
            List<String> origins, List<String> expose, Integer maxAge) {
        return CorsRules.of(new FunctionSpec.Cors(credentials, headers, methods, origins, expose, maxAge));
    }

    private static final CorsRules APP_ONLY = rules(null, List.of("Content-Type", "X-Custom-Header"),
            List.of("GET", "PUT"), List.of(APP), List.of("X-Request-Id", "X-Total"), 300);

    @Test
    void withoutCorsPreflightsGoToTheFunctionAndNothingIsAdded() {
        CorsRules none = CorsRules.of(null);
        assertThat(none).isSameAs(CorsRules.NONE);
        assertThat(none.configured()).isFalse();
        assertThat(none.preflight("OPTIONS", APP, "PUT", "x-custom-header")).isEmpty();
        assertThat(none.forAnswer(APP, List.of())).isEmpty();
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredByThePlatform() {
        CorsRules.PreflightAnswer answer = APP_ONLY.preflight("OPTIONS", APP, "PUT", "X-Custom-Header").orElseThrow();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers()).containsExactly(
                new Header("Access-Control-Allow-Origin", APP),
                new Header("Access-Control-Allow-Methods", "GET, PUT"),
                new Header("Access-Control-Allow-Headers", "Content-Type, X-Custom-Header"),
                new Header("Access-Control-Max-Age", "300"),
                new Header("Vary", "Origin"));
    }

    @Test
    void aPreflightFromAnotherOriginIsStillAnsweredButWithoutCorsHeaders() {
        CorsRules.PreflightAnswer answer = APP_ONLY.preflight("OPTIONS", OTHER, "PUT", null).orElseThrow();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers()).containsExactly(new Header("Vary", "Origin"));
    }

    @Test
    void onlyAnOptionsRequestWithOriginAndRequestMethodIsAPreflight() {
        assertThat(APP_ONLY.preflight("OPTIONS", null, "PUT", null)).isEmpty();
        assertThat(APP_ONLY.preflight("OPTIONS", APP, null, null)).isEmpty();
        assertThat(APP_ONLY.preflight("GET", APP, "PUT", null)).isEmpty();
    }

    @Test
    void originsCompareCaseInsensitivelyAndTheAnswerEchoesTheRequestsOrigin() {
        CorsRules rules = rules(null, null, List.of("GET"), List.of("HTTPS://App.Example.com/"), null, null);
        assertThat(rules.forAnswer(APP, List.of())).contains(new Header("Access-Control-Allow-Origin", APP));
        assertThat(rules.forAnswer("https://app.example.com:8443", List.of()))
                .containsExactly(new Header("Vary", "Origin"));
    }

    @Test
    void maxAgeDefaultsToZeroSoBrowsersDoNotCacheThePreflight() {
        CorsRules rules = rules(null, null, List.of("GET"), List.of(APP), null, null);
        assertThat(rules.preflight("OPTIONS", APP, "GET", null).orElseThrow().headers())
                .contains(new Header("Access-Control-Max-Age", "0"));
    }

    @Test
    void anyOriginIsAnsweredWithAStarThatDoesNotVary() {
        CorsRules rules = rules(false, null, List.of("*"), List.of("*"), null, null);
        assertThat(rules.forAnswer(OTHER, List.of()))
                .containsExactly(new Header("Access-Control-Allow-Origin", "*"));
        assertThat(rules.preflight("OPTIONS", OTHER, "DELETE", null).orElseThrow().headers()).containsExactly(
                new Header("Access-Control-Allow-Origin", "*"),
                new Header("Access-Control-Allow-Methods", "DELETE"),
                new Header("Access-Control-Max-Age", "0"));
    }

    @Test
    void anyOriginWithCredentialsEchoesTheOriginBecauseBrowsersRefuseAStarWithCredentials() {
        CorsRules rules = rules(true, null, List.of("GET"), List.of("*"), null, null);
        assertThat(rules.forAnswer(OTHER, List.of())).containsExactly(
                new Header("Access-Control-Allow-Origin", OTHER),
                new Header("Access-Control-Allow-Credentials", "true"),
                new Header("Vary", "Origin"));
    }

    @Test
    void starMethodsAndHeadersAnswerWhatThePreflightAskedForWithHeaderNamesLowerCased() {
        CorsRules rules = rules(true, List.of("*"), List.of("*"), List.of(APP), null, 60);
        assertThat(rules.preflight("OPTIONS", APP, "PATCH", "X-Custom-Header, Authorization").orElseThrow().headers())
                .containsExactly(
                        new Header("Access-Control-Allow-Origin", APP),
                        new Header("Access-Control-Allow-Credentials", "true"),
                        new Header("Access-Control-Allow-Methods", "PATCH"),
                        new Header("Access-Control-Allow-Headers", "x-custom-header, authorization"),
                        new Header("Access-Control-Max-Age", "60"),
                        new Header("Vary", "Origin"));
        assertThat(rules.preflight("OPTIONS", APP, "GET", null).orElseThrow().headers())
                .extracting(Header::name).doesNotContain("Access-Control-Allow-Headers");
    }

    @Test
    void anAllowedOriginsAnswerGetsOriginCredentialsAndExposedHeaders() {
        CorsRules rules = rules(true, null, null, List.of(APP), List.of("X-Request-Id", " ", "X-Total"), null);
        assertThat(rules.forAnswer(APP, List.of(new Header("Content-Type", "text/plain")))).containsExactly(
                new Header("Access-Control-Allow-Origin", APP),
                new Header("Access-Control-Allow-Credentials", "true"),
                new Header("Access-Control-Expose-Headers", "X-Request-Id, X-Total"),
                new Header("Vary", "Origin"));
    }

    @Test
    void credentialsAreNotAllowedByDefault() {
        assertThat(APP_ONLY.forAnswer(APP, List.of())).extracting(Header::name)
                .containsExactly("Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Vary");
    }

    @Test
    void aDisallowedOriginOrNoOriginGetsNoCorsHeaders() {
        assertThat(APP_ONLY.forAnswer(OTHER, List.of())).containsExactly(new Header("Vary", "Origin"));
        assertThat(APP_ONLY.forAnswer(null, List.of())).containsExactly(new Header("Vary", "Origin"));
        assertThat(rules(null, null, null, null, null, null).forAnswer(APP, List.of()))
                .containsExactly(new Header("Vary", "Origin"));
    }

    @Test
    void aVaryFromTheFunctionThatNamesOriginInAnyCaseIsNotRepeated() {
        assertThat(APP_ONLY.forAnswer(APP, List.of(new Header("vary", "Accept-Encoding, origin"))))
                .extracting(Header::name).doesNotContain("Vary");
        assertThat(APP_ONLY.forAnswer(APP, List.of(new Header("Vary", "Accept-Encoding"))))
                .contains(new Header("Vary", "Origin"));
    }

    @Test
    void theFunctionsOwnCorsHeadersAreLeftAloneAsLambdaReturnsBoth() {
        List<Header> fromFunction = List.of(new Header("Access-Control-Allow-Origin", "*"));
        assertThat(APP_ONLY.forAnswer(APP, fromFunction)).contains(new Header("Access-Control-Allow-Origin", APP));
        assertThat(APP_ONLY.forAnswer(OTHER, fromFunction)).extracting(Header::name)
                .doesNotContain("Access-Control-Allow-Origin");
    }
}
