package dev.lamina.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code x-kubernetes-validations} rules of one CRD schema, compiled and evaluated with CEL-Java the way the API
 * server does: each rule is type-checked against the schema (objects are struct types, so a rule naming a field the
 * schema lacks fails to compile, as it would when the CRD is created) and evaluated at its node with {@code self}
 * bound to that node's value and, for transition rules, {@code oldSelf} to the stored one. Of Kubernetes' own CEL
 * libraries, the rules may use the list library's {@code sum()} of integers.
 */
final class CelRules {

    private static final Pattern MENTIONS_OLD_SELF = Pattern.compile("\\boldSelf\\b");
    private static final String SUM_OF_INTS = "list_int_sum";

    /** A rule ready to run at one schema node. */
    record Rule(String expression, String message, boolean transition, CelRuntime.Program program) {
    }

    private final Map<String, StructType> structs = new HashMap<>();
    private final Map<JsonNode, CelType> types = new IdentityHashMap<>();
    private final Map<JsonNode, List<Rule>> rules = new IdentityHashMap<>();

    CelRules(JsonNode rootSchema) {
        typeOf(rootSchema, "lamina.Resource", true);
        Cel typed = CelFactory.standardCelBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .setTypeProvider(new StructTypes())
                .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration("sum",
                        CelOverloadDecl.newMemberOverload(SUM_OF_INTS, SimpleType.INT, ListType.create(SimpleType.INT))))
                .addFunctionBindings(CelFunctionBinding.from(SUM_OF_INTS, List.class, CelRules::sum))
                .build();
        compileRules(typed, rootSchema);
    }

    /** The rules declared at a schema node (none for most nodes). */
    List<Rule> at(JsonNode schema) {
        return rules.getOrDefault(schema, List.of());
    }

    int count() {
        return rules.values().stream().mapToInt(List::size).sum();
    }

    /** Evaluates a rule: why it fails (its message, or the evaluation error as the API server reports it), if it does. */
    static Optional<String> holds(Rule rule, Object self, Object oldSelf) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("self", self);
        if (oldSelf != null) {
            variables.put("oldSelf", oldSelf);
        }
        try {
            Object result = rule.program().eval(variables);
            if (!(result instanceof Boolean holds)) {
                throw new IllegalStateException("rule " + rule.expression() + " returned " + result + ", not a bool");
            }
            return holds ? Optional.empty() : Optional.of(rule.message());
        } catch (CelEvaluationException e) {
            return Optional.of("rule evaluation error: " + e.getMessage());
        }
    }

    private static long sum(List<?> numbers) {
        return numbers.stream().mapToLong(number -> (Long) number).sum();
    }

    private void compileRules(Cel typed, JsonNode schema) {
        JsonNode declared = schema.path("x-kubernetes-validations");
        if (!declared.isEmpty()) {
            CelType self = types.get(schema);
            Cel cel = typed.toCelBuilder().addVar("self", self).addVar("oldSelf", self).build();
            List<Rule> compiled = new ArrayList<>();
            for (JsonNode rule : declared) {
                String expression = rule.path("rule").asText();
                String message = rule.has("message") ? rule.path("message").asText() : "failed rule: " + expression;
                try {
                    CelRuntime.Program program = cel.createProgram(cel.compile(expression).getAst());
                    compiled.add(new Rule(expression, message, MENTIONS_OLD_SELF.matcher(expression).find(), program));
                } catch (CelValidationException | CelEvaluationException e) {
                    throw new IllegalStateException("CEL rule does not compile against its schema: " + expression
                            + "\n" + e.getMessage(), e);
                }
            }
            rules.put(schema, compiled);
        }
        schema.path("properties").forEach(property -> compileRules(typed, property));
        if (schema.path("items").isObject()) {
            compileRules(typed, schema.path("items"));
        }
        if (schema.path("additionalProperties").isObject()) {
            compileRules(typed, schema.path("additionalProperties"));
        }
    }

    /** The CEL type the API server gives a schema node; objects with properties become struct types. */
    private CelType typeOf(JsonNode schema, String name, boolean resourceRoot) {
        CelType type = switch (schema.path("type").asText()) {
            case "string" -> SimpleType.STRING;
            case "integer" -> SimpleType.INT;
            case "number" -> SimpleType.DOUBLE;
            case "boolean" -> SimpleType.BOOL;
            case "array" -> ListType.create(typeOf(schema.path("items"), name + ".@items", false));
            case "object" -> objectType(schema, name, resourceRoot);
            default -> SimpleType.DYN;
        };
        types.put(schema, type);
        return type;
    }

    private CelType objectType(JsonNode schema, String name, boolean resourceRoot) {
        if (schema.path("additionalProperties").isObject()) {
            return MapType.create(SimpleType.STRING, typeOf(schema.path("additionalProperties"), name + ".@values", false));
        }
        if (!schema.has("properties") && !resourceRoot) {
            return SimpleType.DYN;
        }
        Map<String, CelType> fields = new LinkedHashMap<>();
        schema.path("properties").properties()
                .forEach(property -> fields.put(property.getKey(),
                        typeOf(property.getValue(), name + "." + property.getKey(), false)));
        if (resourceRoot) {
            // At a resource's root the API server also exposes these, whatever the schema says.
            fields.put("apiVersion", SimpleType.STRING);
            fields.put("kind", SimpleType.STRING);
            fields.put("metadata", metadataType(name + ".metadata"));
        }
        StructType struct = StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
                field -> Optional.ofNullable(fields.get(field)));
        structs.put(name, struct);
        return struct;
    }

    private StructType metadataType(String name) {
        StructType metadata = StructType.create(name, ImmutableSet.of("name", "generateName"),
                field -> Optional.of(SimpleType.STRING));
        structs.put(name, metadata);
        return metadata;
    }

    private final class StructTypes implements CelTypeProvider {
        @Override
        public ImmutableCollection<CelType> types() {
            return ImmutableList.copyOf(structs.values());
        }

        @Override
        public Optional<CelType> findType(String typeName) {
            return Optional.ofNullable(structs.get(typeName));
        }
    }
}
