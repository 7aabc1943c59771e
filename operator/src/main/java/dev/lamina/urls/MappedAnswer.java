package dev.lamina.urls;

/** A function's response mapped by the rules of a payload format: an HTTP answer, or a response those rules refuse. */
public sealed interface MappedAnswer {

    /** The response was valid: answer with this. */
    record Ok(HttpAnswer answer) implements MappedAnswer {
    }

    /** The response broke the format's rules: answer with {@link UrlErrors#INVALID_RESPONSE}. */
    record Invalid(String reason) implements MappedAnswer {
    }
}
