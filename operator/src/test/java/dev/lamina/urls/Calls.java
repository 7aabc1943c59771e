package dev.lamina.urls;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Requests for the format tests, and events read back the ways functions read them. */
final class Calls {

    static final long TIME = 1_583_348_638_390L;
    static final UrlContext CONTEXT = UrlContext.of("123456789012", "abcdefghijklmnopqrstuvwxyz012345", "us-east-1",
            "echo", null);
    static final Caller CALLER = new Caller("system:serviceaccount:media:uploader", "4f9a-uid",
            List.of("system:serviceaccounts"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private Calls() {
    }

    static HttpCall call(String method, String path, String query, byte[] body, String... headerPairs) {
        List<HttpHeader> headers = new ArrayList<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(new HttpHeader(headerPairs[i], headerPairs[i + 1]));
        }
        return new HttpCall(method, path, query, headers, body, "203.0.113.7", "HTTP/1.1", "http", 9000,
                "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.localhost", "req-1", TIME);
    }

    /**
     * The event as the AWS Java runtime interface client gives it to a typed handler: the events library's own
     * serializer for the event classes it supports, its shaded Jackson factory for the others.
     */
    static <T> T asJavaRuntimeReadsIt(byte[] event, Class<T> type) {
        PojoSerializer<T> serializer = LambdaEventSerializers.isLambdaSupportedEvent(type.getName())
                ? LambdaEventSerializers.serializerFor(type, type.getClassLoader())
                : JacksonFactory.getInstance().getSerializer(type);
        return serializer.fromJson(new ByteArrayInputStream(event));
    }

    static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys;
    }

    static HttpAnswer ok(MappedAnswer mapped) {
        if (mapped instanceof MappedAnswer.Ok(HttpAnswer answer)) {
            return answer;
        }
        throw new AssertionError("expected a valid answer, got " + mapped);
    }
}
