package dev.lamina.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.deployments.Outcomes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one gateway replica answers on {@code GET /lamina/v1/outcomes}, and its JSON, written by the replica and read
 * by whoever sums the replicas: counts only, never a payload.
 *
 * <pre>{"instance":"…","versions":[{"namespace":"…","function":"…","version":"3","invocations":…,
 *   "functionErrors":…,"platformErrors":…,"throttles":…,"durationBuckets":[…]}]}</pre>
 *
 * @param instance the replica's instance id (new at each start)
 */
public record OutcomeReport(String instance, List<VersionOutcomes> versions) {

    /** One version's cumulative outcomes on the replica. */
    public record VersionOutcomes(String namespace, String function, String version, Outcomes outcomes) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public OutcomeReport {
        versions = List.copyOf(versions);
    }

    public String toJson() {
        ObjectNode body = JSON.createObjectNode().put("instance", instance);
        ArrayNode list = body.putArray("versions");
        for (VersionOutcomes v : versions) {
            Outcomes o = v.outcomes();
            ObjectNode item = list.addObject().put("namespace", v.namespace()).put("function", v.function())
                    .put("version", v.version()).put("invocations", o.invocations())
                    .put("functionErrors", o.functionErrors()).put("platformErrors", o.platformErrors())
                    .put("throttles", o.throttles());
            ArrayNode buckets = item.putArray("durationBuckets");
            for (long count : o.durationBuckets()) {
                buckets.add(count);
            }
        }
        return body.toString();
    }

    /** Reads a report; throws {@link IllegalArgumentException} when the text is not one. */
    public static OutcomeReport fromJson(String text) {
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an outcome report: " + e.getMessage(), e);
        }
        if (body == null || !body.path("instance").isTextual() || !body.path("versions").isArray()) {
            throw new IllegalArgumentException("not an outcome report: " + text);
        }
        List<VersionOutcomes> versions = new ArrayList<>();
        for (JsonNode item : body.get("versions")) {
            JsonNode bucketsNode = item.path("durationBuckets");
            long[] buckets = new long[bucketsNode.size()];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = bucketsNode.get(i).asLong();
            }
            versions.add(new VersionOutcomes(item.path("namespace").asText(), item.path("function").asText(),
                    item.path("version").asText(), new Outcomes(item.path("invocations").asLong(),
                    item.path("functionErrors").asLong(), item.path("platformErrors").asLong(),
                    item.path("throttles").asLong(), buckets)));
        }
        return new OutcomeReport(body.get("instance").asText(), versions);
    }
}
