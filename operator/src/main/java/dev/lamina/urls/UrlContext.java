package dev.lamina.urls;

import java.util.Objects;

/**
 * What the door knows of the Function URL a request reached.
 *
 * @param accountId      the account id of the function's owner (the namespace's account)
 * @param urlId          the URL's id: {@code requestContext.apiId} and {@code domainPrefix} of the events
 * @param region         the region Lamina reports
 * @param targetGroupArn what the {@code alb} format sends as {@code requestContext.elb.targetGroupArn}
 * @param caller         the authenticated caller, or null when the URL's auth type is {@code NONE}
 */
public record UrlContext(String accountId, String urlId, String region, String targetGroupArn, Caller caller) {

    public UrlContext {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(urlId, "urlId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(targetGroupArn, "targetGroupArn");
    }

    /**
     * A context whose target group ARN is derived from the function: there is no load balancer, so the ARN names a
     * target group called like the function, with the URL id where AWS puts the group's id:
     * {@code arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<function>/<urlId>}.
     */
    public static UrlContext of(String accountId, String urlId, String region, String functionName, Caller caller) {
        String arn = "arn:aws:elasticloadbalancing:" + region + ":" + accountId + ":targetgroup/" + functionName
                + "/" + urlId;
        return new UrlContext(accountId, urlId, region, arn, caller);
    }
}
