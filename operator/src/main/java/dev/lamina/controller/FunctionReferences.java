package dev.lamina.controller;

import dev.lamina.api.Alias;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import dev.lamina.versions.FunctionVersions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * For resources that name functions (Alias, EventSourceMapping, Distribution): watches Functions, their versions and
 * aliases, and re-reconciles every resource naming a function when anything about that function changes.
 */
final class FunctionReferences<P extends HasMetadata> {
    private static final String INDEX = "function";

    private final java.util.function.Function<P, Collection<String>> functionsOf;

    /** @param functionsOf the names of the functions a resource refers to, in its namespace */
    FunctionReferences(java.util.function.Function<P, Collection<String>> functionsOf) {
        this.functionsOf = functionsOf;
    }

    /** For resources that name one function. */
    static <P extends HasMetadata> FunctionReferences<P> one(java.util.function.Function<P, String> functionOf) {
        return new FunctionReferences<>(p -> List.of(functionOf.apply(p)));
    }

    List<EventSource<?, P>> eventSources(EventSourceContext<P> context, boolean watchAliases) {
        var primaries = context.getPrimaryCache();
        primaries.addIndexer(INDEX, p -> functionsOf.apply(p).stream().distinct()
                .map(function -> key(p.getMetadata().getNamespace(), function)).toList());
        Class<P> type = context.getPrimaryResourceClass();
        var functions = InformerEventSourceConfiguration.from(Function.class, type)
                .withSecondaryToPrimaryMapper(fn -> referencing(context, fn.getMetadata().getNamespace(),
                        fn.getMetadata().getName()))
                .build();
        var versions = InformerEventSourceConfiguration.from(FunctionVersion.class, type)
                .withSecondaryToPrimaryMapper(v -> referencing(context, v.getMetadata().getNamespace(),
                        v.getSpec().function()))
                .build();
        if (!watchAliases) {
            return List.of(new InformerEventSource<>(functions, context), new InformerEventSource<>(versions, context));
        }
        var aliases = InformerEventSourceConfiguration.from(Alias.class, type)
                .withSecondaryToPrimaryMapper(a -> referencing(context, a.getMetadata().getNamespace(),
                        a.getSpec().function()))
                .build();
        return List.of(new InformerEventSource<>(functions, context), new InformerEventSource<>(versions, context),
                new InformerEventSource<>(aliases, context));
    }

    static Optional<Function> function(Context<?> context, String namespace, String name) {
        return source(context, Function.class).get(new ResourceID(name, namespace));
    }

    static boolean versionExists(Context<?> context, String namespace, String function, String version) {
        return Labels.LATEST.equals(version) || publishedVersions(context, namespace, function).contains(version);
    }

    /** The configuration a published version of a function runs, if the version exists. */
    static Optional<FunctionSpec> versionConfiguration(Context<?> context, String namespace, String function,
                                                       String version) {
        return Optional.ofNullable(published(context, namespace, function).get(Long.parseLong(version)))
                .map(v -> v.getSpec().snapshot());
    }

    static List<Alias> aliases(Context<?> context, String namespace, String function) {
        return source(context, Alias.class).list(namespace, a -> function.equals(a.getSpec().function())).toList();
    }

    static List<String> publishedVersions(Context<?> context, String namespace, String function) {
        return published(context, namespace, function).values().stream().map(v -> v.getSpec().version()).toList();
    }

    private static TreeMap<Long, FunctionVersion> published(Context<?> context, String namespace, String function) {
        return FunctionVersions.byNumber(source(context, FunctionVersion.class)
                .list(namespace, v -> function.equals(v.getSpec().function())).toList());
    }

    @SuppressWarnings("unchecked")
    private static <R extends HasMetadata> InformerEventSource<R, ?> source(Context<?> context, Class<R> type) {
        return (InformerEventSource<R, ?>) context.eventSourceRetriever().getEventSourceFor(type);
    }

    private Set<ResourceID> referencing(EventSourceContext<P> context, String namespace, String function) {
        return context.getPrimaryCache().byIndex(INDEX, key(namespace, function)).stream()
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    private static String key(String namespace, String function) {
        return namespace + "/" + function;
    }
}
