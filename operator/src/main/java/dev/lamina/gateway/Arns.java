package dev.lamina.gateway;

/** Lambda ARNs for this gateway's region and account. */
public record Arns(String region, String accountId) {

    public String function(String name) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name;
    }

    public String function(String name, String qualifier) {
        return qualifier == null ? function(name) : function(name) + ":" + qualifier;
    }
}
