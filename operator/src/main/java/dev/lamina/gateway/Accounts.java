package dev.lamina.gateway;

import dev.lamina.urls.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lambda's accounts are Kubernetes namespaces; this is the one rule between them. The default namespace
 * ({@code lamina.gateway.namespace}) is the configured account ({@code lamina.gateway.account-id}); any other
 * namespace {@code N} is the account made of the first 12 decimal digits of the hex SHA-256 of its name — what
 * {@code printf %s N | sha256sum | tr -dc 0-9 | cut -c1-12} prints — the same in every mode, replica and restart.
 * An ARN names its function's namespace by that account id; a plain name resolves in the caller's namespace (a
 * ServiceAccount's, {@code system:serviceaccount:NAMESPACE:NAME}), else in the default one.
 */
@ApplicationScoped
public class Accounts {

    private static final String SERVICE_ACCOUNT = "system:serviceaccount:";
    private static final int DIGITS = 12;

    private final String defaultNamespace;
    private final String defaultAccountId;
    /** The namespaces with functions, by account id: an account id names no namespace the gateway never served. */
    private final Map<String, String> namespaces = new ConcurrentHashMap<>();

    @Inject
    public Accounts(GatewayConfig config) {
        this(config.namespace(), config.accountId());
    }

    public Accounts(String defaultNamespace, String defaultAccountId) {
        this.defaultNamespace = defaultNamespace;
        this.defaultAccountId = defaultAccountId;
        namespaces.put(defaultAccountId, defaultNamespace);
    }

    /** The namespace of callers that are not a ServiceAccount, and of unauthenticated ones. */
    public String defaultNamespace() {
        return defaultNamespace;
    }

    /** The 12-digit account id of a namespace. */
    public String accountId(String namespace) {
        return namespace.equals(defaultNamespace) ? defaultAccountId : derived(namespace);
    }

    /** Makes a namespace's account id resolve; the catalog calls it for every function it is given. */
    void serve(String namespace) {
        namespaces.putIfAbsent(accountId(namespace), namespace);
    }

    /** The namespace an account id names; empty when it is no namespace's the gateway serves. */
    public Optional<String> namespace(String accountId) {
        return Optional.ofNullable(namespaces.get(accountId));
    }

    /** The namespace a caller's plain function names resolve in: its ServiceAccount's, else the default one. */
    public String namespaceOf(Caller caller) {
        String user = caller == null ? null : caller.username();
        if (user != null && user.startsWith(SERVICE_ACCOUNT)) {
            int end = user.indexOf(':', SERVICE_ACCOUNT.length());
            if (end > SERVICE_ACCOUNT.length()) {
                return user.substring(SERVICE_ACCOUNT.length(), end);
            }
        }
        return defaultNamespace;
    }

    /**
     * The namespace an address names: its ARN's account's, else {@code plainNamespace} (where the caller's plain
     * names resolve); empty for an account id that is no served namespace's.
     */
    public Optional<String> namespaceOf(FunctionAddress address, String plainNamespace) {
        return address.account() == null ? Optional.of(plainNamespace) : namespace(address.account());
    }

    private static String derived(String namespace) {
        String hex;
        try {
            hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(namespace.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        StringBuilder id = new StringBuilder(DIGITS);
        for (int i = 0; i < hex.length() && id.length() < DIGITS; i++) {
            char c = hex.charAt(i);
            if (c >= '0' && c <= '9') {
                id.append(c);
            }
        }
        while (id.length() < DIGITS) {
            id.append('0');
        }
        return id.toString();
    }
}
