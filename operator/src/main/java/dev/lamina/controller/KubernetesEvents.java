package dev.lamina.controller;

import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jboss.logging.Logger;

/** Kubernetes Events on Lamina's resources, as {@code kubectl describe} shows them. */
final class KubernetesEvents {
    private static final Logger LOG = Logger.getLogger(KubernetesEvents.class);
    static final String WARNING = "Warning";
    static final String NORMAL = "Normal";

    private KubernetesEvents() {
    }

    /**
     * A Warning for each problem the resource's Stalled condition does not tell of yet, so a resource stuck for hours
     * does not flood its Events.
     */
    static void recordNewProblems(KubernetesClient client, HasMetadata about, StatusConditions reported,
                                  List<Problem> problems) {
        problems.stream()
                .filter(problem -> !reported.tellsOf(problem))
                .forEach(problem -> record(client, about, WARNING, problem.reason(), problem.message()));
    }

    static void record(KubernetesClient client, HasMetadata about, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ObjectMeta meta = about.getMetadata();
        // Named after what it reports and the object as it was seen: a reconciliation repeated on the same cached
        // object (its status patch not in the cache yet) writes the same name again, which the API server refuses.
        String name = meta.getName() + "." + Labels.sha256(meta.getUid() + "/" + meta.getResourceVersion() + "/"
                + type + "/" + reason + "/" + message).substring(0, 13);
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(about.getMetadata().getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(about.getApiVersion())
                        .withKind(about.getKind())
                        .withName(about.getMetadata().getName())
                        .withNamespace(about.getMetadata().getNamespace())
                        .withUid(about.getMetadata().getUid())
                        .withResourceVersion(about.getMetadata().getResourceVersion())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource().withComponent(Labels.OPERATOR).endSource()
                .withReportingComponent(Labels.OPERATOR)
                .build();
        try {
            client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            // An Event is a courtesy: failing to write one must not fail the reconciliation it describes.
            LOG.debugf(e, "could not record event %s on %s", reason, about.getMetadata().getName());
        }
    }
}
