package dev.lamina.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a resource the way the API server checks a {@code kubectl apply} of it against a CRD: the kind and version,
 * the object name, nulls dropped, the OpenAPI schema (strict about unknown fields), the schema's defaults applied,
 * then every CEL rule. Returns the messages the user would see, worded as the API server words them; none means
 * accepted. Local mode checks every resource it reads with the CRDs built into the application ({@link #forKind});
 * the model tests check theirs with the CRDs the model generates ({@link #of}).
 */
public final class CrdValidator {

    /** Where the build puts the committed CRDs (crds/ of the repository) on the class path. */
    private static final String INSTALLED_CRDS = "/dev/lamina/crds/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, CrdValidator> INSTALLED = new ConcurrentHashMap<>();
    private static final String DNS_SUBDOMAIN_REGEX = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(DNS_SUBDOMAIN_REGEX);

    private final String kind;
    private final String apiVersion;
    private final JsonNode rootSchema;
    private final OpenApiSchema schema;
    private final CelRules rules;

    private CrdValidator(JsonNode crd) {
        JsonNode version = crd.path("spec").path("versions").get(0);
        kind = crd.path("spec").path("names").path("kind").asText();
        apiVersion = crd.path("spec").path("group").asText() + "/" + version.path("name").asText();
        rootSchema = version.path("schema").path("openAPIV3Schema");
        schema = new OpenApiSchema(rootSchema);
        rules = new CelRules(rootSchema);
    }

    /** A validator for one CRD (its first version); its rules are compiled now. */
    public static CrdValidator of(JsonNode crd) {
        return new CrdValidator(crd);
    }

    /** The validator of a Lamina kind by the CRD the cluster installs; compiled once, on first use. */
    public static CrdValidator forKind(Class<? extends HasMetadata> type) {
        return INSTALLED.computeIfAbsent(HasMetadata.getKind(type), kind -> of(installedCrd(type)));
    }

    private static JsonNode installedCrd(Class<? extends HasMetadata> type) {
        String file = HasMetadata.getFullResourceName(type) + "-v1.yml";
        try (InputStream in = CrdValidator.class.getResourceAsStream(INSTALLED_CRDS + file)) {
            if (in == null) {
                throw new IllegalStateException("the application was built without its CRD " + file);
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every rule of the CRD compiled; the number of rules. */
    public int ruleCount() {
        return rules.count();
    }

    /** What creating the resource is answered with. */
    public List<String> validate(JsonNode resource) {
        return validate(null, resource);
    }

    /** What updating {@code stored} to {@code updated} is answered with; null {@code stored} means a create. */
    public List<String> validate(JsonNode stored, JsonNode updated) {
        if (!kind.equals(updated.path("kind").asText()) || !apiVersion.equals(updated.path("apiVersion").asText())) {
            return List.of("no matches for kind \"" + updated.path("kind").asText() + "\" in version \""
                    + updated.path("apiVersion").asText() + "\"");
        }
        String name = updated.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            return List.of("metadata.name: Required value: name or generateName is required");
        }
        if (name.length() > 253) {
            return List.of("metadata.name: Invalid value: " + FieldValues.quoted(name)
                    + ": must be no more than 253 characters");
        }
        if (!DNS_SUBDOMAIN.matcher(name).matches()) {
            return List.of("metadata.name: Invalid value: " + FieldValues.quoted(name) + ": a lowercase RFC 1123"
                    + " subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and"
                    + " end with an alphanumeric character (e.g. 'example.com', regex used for validation is '"
                    + DNS_SUBDOMAIN_REGEX + "')");
        }
        ObjectNode object = withoutNulls(updated);
        List<String> violations = schema.violations(object);
        if (!violations.isEmpty()) {
            return violations;
        }
        ObjectNode old = stored == null ? null : withoutNulls(stored);
        Defaults.apply(rootSchema, object);
        if (old != null) {
            Defaults.apply(rootSchema, old);
        }
        List<String> failed = new ArrayList<>();
        checkRules(rootSchema, celView(object), old == null ? null : celView(old), "", failed);
        return failed;
    }

    /** At the root, CEL sees only apiVersion, kind, metadata.name/generateName, spec and status. */
    private static JsonNode celView(ObjectNode resource) {
        ObjectNode view = resource.deepCopy();
        ObjectNode metadata = view.putObject("metadata");
        for (String field : List.of("name", "generateName")) {
            if (resource.path("metadata").has(field)) {
                metadata.set(field, resource.path("metadata").path(field));
            }
        }
        return view;
    }

    /**
     * A failed rule is reported at its node as the API server reports it: the node's type as the value (a rule at the
     * root has no field path, which Kubernetes prints as {@code <nil>}).
     */
    private void checkRules(JsonNode schema, JsonNode value, JsonNode old, String path, List<String> failed) {
        for (CelRules.Rule rule : rules.at(schema)) {
            if (rule.transition() && old == null) {
                continue;
            }
            CelRules.holds(rule, toCel(schema, value), old == null ? null : toCel(schema, old))
                    .ifPresent(message -> failed.add((path.isEmpty() ? "<nil>" : path) + ": Invalid value: "
                            + FieldValues.quoted(schema.path("type").asText()) + ": " + message));
        }
        if (value.isObject() && schema.has("properties")) {
            for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
                JsonNode child = value.get(property.getKey());
                if (child != null) {
                    JsonNode oldChild = old == null ? null : old.get(property.getKey());
                    checkRules(property.getValue(), child, oldChild, join(path, property.getKey()), failed);
                }
            }
        } else if (value.isObject() && schema.path("additionalProperties").isObject()) {
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                JsonNode oldValue = old == null ? null : old.get(entry.getKey());
                checkRules(schema.path("additionalProperties"), entry.getValue(), oldValue,
                        path + "[" + entry.getKey() + "]", failed);
            }
        } else if (value.isArray()) {
            // List items are not correlated with stored ones (atomic lists), so item rules see no oldSelf.
            for (int i = 0; i < value.size(); i++) {
                checkRules(schema.path("items"), value.get(i), null, path + "[" + i + "]", failed);
            }
        }
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** The value as CEL sees it: ints for integers, doubles for numbers (even when written as 1), maps and lists. */
    private static Object toCel(JsonNode schema, JsonNode value) {
        String type = schema.path("type").asText();
        if (value.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            value.properties().forEach(field -> {
                JsonNode fieldSchema = schema.has("properties")
                        ? schema.path("properties").path(field.getKey())
                        : schema.path("additionalProperties");
                map.put(field.getKey(), toCel(fieldSchema, field.getValue()));
            });
            return map;
        } else if (value.isArray()) {
            List<Object> list = new ArrayList<>();
            value.forEach(item -> list.add(toCel(schema.path("items"), item)));
            return list;
        } else if (value.isNumber()) {
            return type.equals("number") ? (Object) value.asDouble() : (Object) value.asLong();
        } else if (value.isBoolean()) {
            return value.asBoolean();
        }
        return value.asText();
    }

    /** The API server drops null fields of non-nullable properties before validating. */
    private static ObjectNode withoutNulls(JsonNode node) {
        ObjectNode copy = node.deepCopy();
        dropNulls(copy);
        return copy;
    }

    private static void dropNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<JsonNode> values = object.elements(); values.hasNext(); ) {
                if (values.next().isNull()) {
                    values.remove();
                }
            }
            object.forEach(CrdValidator::dropNulls);
        } else if (node instanceof ArrayNode array) {
            array.forEach(CrdValidator::dropNulls);
        }
    }
}
