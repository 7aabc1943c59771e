package dev.lamina.versions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.CodeSource;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * SHA-256 digests that decide when a new version is published: one of the code alone (Lambda's CodeSha256) and one of
 * code and configuration together. ConfigMap-packaged code is digested by content, so editing the ConfigMap counts as
 * a code change.
 */
public final class SpecDigest {
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private SpecDigest() {
    }

    /** Digest of the function's code; {@code configMaps} resolves a ConfigMap name (null when missing). */
    public static String code(FunctionSpec spec, Function<String, ConfigMap> configMaps) {
        return spec.image() != null ? Labels.sha256("image:" + spec.image()) : source(spec.code(), configMaps);
    }

    /** Digest of the content pods load from outside their template: the code and every layer. */
    public static String content(FunctionSpec spec, Function<String, ConfigMap> configMaps) {
        StringBuilder text = new StringBuilder(code(spec, configMaps));
        if (spec.layers() != null) {
            for (CodeSource layer : spec.layers()) {
                text.append('\n').append(source(layer, configMaps));
            }
        }
        return Labels.sha256(text.toString());
    }

    /**
     * Digest of everything a version captures: the spec without the publishing controls (publish,
     * versionHistoryLimit) and the Function URL (which belongs to $LATEST, not to versions), plus the content behind
     * code and layer references.
     */
    public static String configuration(FunctionSpec spec, Function<String, ConfigMap> configMaps) {
        return configuration(spec, content(spec, configMaps));
    }

    /** The same, with the content digested by the caller (local mode digests the code it materialised). */
    public static String configuration(FunctionSpec spec, String contentDigest) {
        ObjectNode versioned = CANONICAL.valueToTree(spec);
        versioned.remove(List.of("publish", "versionHistoryLimit", "url"));
        return Labels.sha256(json(versioned) + "\n" + contentDigest);
    }

    /** A hex SHA-256 as Lambda reports CodeSha256: in base64. */
    public static String lambdaCodeSha256(String hex) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    }

    private static String source(CodeSource source, Function<String, ConfigMap> configMaps) {
        if (source == null) {
            return Labels.sha256("none");
        } else if (source.url() != null) {
            return source.sha256();
        } else if (source.image() != null) {
            return Labels.sha256("image:" + source.image());
        } else if (source.configMap() != null) {
            ConfigMap configMap = configMaps.apply(source.configMap());
            return configMap == null ? Labels.sha256("missing:" + source.configMap()) : configMap(configMap);
        }
        return Labels.sha256("path:" + source.path());
    }

    /** Digest of a ConfigMap's content (its files), whatever its name. */
    public static String configMap(ConfigMap configMap) {
        Map<String, String> content = new TreeMap<>();
        if (configMap.getData() != null) {
            configMap.getData().forEach((k, v) -> content.put("data/" + k, v));
        }
        if (configMap.getBinaryData() != null) {
            configMap.getBinaryData().forEach((k, v) -> content.put("binary/" + k, v));
        }
        return Labels.sha256(json(content));
    }

    private static String json(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a Function spec always serialises", e);
        }
    }
}
