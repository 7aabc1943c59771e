package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Finishes the CRDs Fabric8's generator writes for our resources. Quarkus runs it at build time
 * ({@code quarkus.operator-sdk.crd.post-processor}) and the model tests run it too, so both produce the same YAML.
 * <ul>
 * <li>Printer columns in the order the resource class declares them: the generator sorts them by JSON path, which
 * would put AGE first ({@code .metadata} sorts before {@code .spec} and {@code .status}).</li>
 * <li>Each validation rule once: an annotation on a record component lands on both the field and the accessor, and
 * the generator collects it from both.</li>
 * <li>Descriptions for the resource, {@code spec} and {@code status} from their classes' {@link JsonClassDescription},
 * so {@code kubectl explain} describes every level (the generator only describes properties).</li>
 * </ul>
 */
public class LaminaCrdPostProcessor implements CRDPostProcessor {

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition definition) {
            Resources.byKind(definition.getSpec().getNames().getKind()).ifPresent(type -> {
                for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
                    orderPrinterColumns(version, type);
                    JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
                    removeDuplicateRules(root);
                    describe(root, type);
                }
            });
        }
        return crd;
    }

    private static void orderPrinterColumns(CustomResourceDefinitionVersion version, Class<?> type) {
        List<String> declared = Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::jsonPath)
                .toList();
        List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
        if (columns != null) {
            columns.sort(Comparator.comparingInt(column -> declared.indexOf(column.getJsonPath())));
        }
    }

    private static void removeDuplicateRules(JSONSchemaProps schema) {
        if (schema == null) {
            return;
        }
        if (schema.getXKubernetesValidations() != null) {
            schema.setXKubernetesValidations(List.copyOf(new LinkedHashSet<>(schema.getXKubernetesValidations())));
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(LaminaCrdPostProcessor::removeDuplicateRules);
        }
        if (schema.getItems() != null) {
            removeDuplicateRules(schema.getItems().getSchema());
        }
        if (schema.getAdditionalProperties() != null) {
            removeDuplicateRules(schema.getAdditionalProperties().getSchema());
        }
    }

    private static void describe(JSONSchemaProps root, Class<?> type) {
        root.setDescription(descriptionOf(type));
        Type[] specAndStatus = ((ParameterizedType) type.getGenericSuperclass()).getActualTypeArguments();
        describeProperty(root, "spec", specAndStatus[0]);
        describeProperty(root, "status", specAndStatus[1]);
    }

    private static void describeProperty(JSONSchemaProps root, String name, Type type) {
        JSONSchemaProps property = root.getProperties().get(name);
        if (property != null && type instanceof Class<?> propertyClass) {
            property.setDescription(descriptionOf(propertyClass));
        }
    }

    private static String descriptionOf(Class<?> type) {
        JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
        if (description == null) {
            throw new IllegalStateException(type.getName() + " needs a @JsonClassDescription for kubectl explain");
        }
        return description.value();
    }
}
