package dev.lamina.gateway;

/** Lambda ARNs for this gateway's region, each in its namespace's account (see {@link Accounts}). */
public record Arns(String region, Accounts accounts) {

    public String function(String namespace, String name, String qualifier) {
        return inAccount(accounts.accountId(namespace), name, qualifier);
    }

    /** The function an address names, as its caller would see it: in the ARN's account if it gave one. */
    public String named(FunctionAddress address, String plainNamespace, String qualifier) {
        String account = address.account() != null ? address.account() : accounts.accountId(plainNamespace);
        return inAccount(account, address.name(), qualifier);
    }

    /** Every function of a namespace, as a policy's resource names them. */
    public String functions(String namespace) {
        return inAccount(accounts.accountId(namespace), "*", null);
    }

    /** The execution role's ARN: a namespace's ServiceAccount is its function's role. */
    public String role(String namespace, String serviceAccount) {
        return "arn:aws:iam::" + accounts.accountId(namespace) + ":role/" + serviceAccount;
    }

    private String inAccount(String account, String name, String qualifier) {
        String arn = "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
        return qualifier == null ? arn : arn + ":" + qualifier;
    }
}
