package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What Lamina observed about a Distribution. */
@JsonClassDescription("What Lamina observed about the distribution: its id and host, the URL to reach it, the function versions its behaviours run, and conditions.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DistributionStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Ready, Reconciling and Stalled conditions, with reasons (e.g. a function association that exceeds Lambda@Edge's limits or names a version that does not exist).")
        List<Condition> conditions,
        @JsonPropertyDescription("The distribution's id, as CloudFront's (E and 13 letters and digits), derived from namespace and name; events carry it as cf.config.distributionId.")
        String distributionId,
        @JsonPropertyDescription("The distribution's host, DOMAIN-PREFIX.edge.DOMAIN (the gateway's url-domain); events carry it as cf.config.distributionDomainName.")
        String domainName,
        @JsonPropertyDescription("Where to reach it: host-based (http://DOMAIN-NAME/) when the gateway has a URL domain, else path-based (GATEWAY/edge/DISTRIBUTION-ID/).")
        String url,
        @JsonPropertyDescription("The function versions the behaviours run, as FUNCTION:VERSION.")
        List<String> functionVersions) implements HasConditions {
}
