package dev.lamina.controller;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import org.awaitility.core.ConditionFactory;
import dev.lamina.api.Alias;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.api.Function;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Resources as users write them: YAML. */
public final class Fixtures {
    public static final KubernetesSerialization YAML = new KubernetesSerialization();

    private Fixtures() {
    }

    public static Function function(String yaml) {
        return YAML.unmarshal(yaml, Function.class);
    }

    public static Function functionResource(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            return function(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A minimal image Function in {@code namespace}, with extra spec lines (indented two spaces). */
    public static Function imageFunction(String namespace, String name, String... specLines) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  image: registry.example.com/%s:1
                """.formatted(name, namespace, name));
        for (String line : specLines) {
            yaml.append("  ").append(line).append('\n');
        }
        return function(yaml.toString());
    }

    /** Replaces an image Function's spec, as {@code kubectl apply} of an edited file would. */
    public static void editSpec(KubernetesClient client, String ns, String name, String... specLines) {
        for (int attempt = 1; ; attempt++) {
            Function current = client.resources(Function.class).inNamespace(ns).withName(name).get();
            current.setSpec(imageFunction(ns, name, specLines).getSpec());
            try {
                client.resource(current).update();
                return;
            } catch (KubernetesClientException conflict) {
                // The operator wrote the status in between, as it may at any time: read again and retry.
                if (conflict.getCode() != 409 || attempt == 10) {
                    throw conflict;
                }
            }
        }
    }

    public static Alias alias(String namespace, String function, String name, String version, String... specLines) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: lamina.dev/v1alpha1
                kind: Alias
                metadata:
                  name: %s-%s
                  namespace: %s
                spec:
                  function: %s
                  name: %s
                  functionVersion: "%s"
                """.formatted(function, name, namespace, function, name, version));
        for (String line : specLines) {
            yaml.append("  ").append(line).append('\n');
        }
        return YAML.unmarshal(yaml.toString(), Alias.class);
    }

    public static EventSourceMapping mapping(String namespace, String name, String yamlSpec) {
        return YAML.unmarshal("""
                apiVersion: lamina.dev/v1alpha1
                kind: EventSourceMapping
                metadata:
                  name: %s
                  namespace: %s
                spec:
                %s
                """.formatted(name, namespace, yamlSpec.indent(2).stripTrailing()), EventSourceMapping.class);
    }

    /** Waits up to 30 s for a condition of the mock cluster, ignoring exceptions until then. */
    public static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions();
    }

    public static String memoryOf(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getResources().getLimits()
                .get("memory").toString();
    }
}
