package dev.lamina.api;

/**
 * Patterns for the names resources use to refer to each other. A function's name is its Kubernetes name and its
 * Lambda name at once, so it follows both rules: lowercase letters, digits and '-' (Kubernetes), at most 64
 * characters (Lambda).
 */
public final class Names {

    /** A Function's name: a Kubernetes DNS label that is also a valid Lambda function name. */
    public static final String FUNCTION = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    public static final int FUNCTION_MAX_LENGTH = 64;

    /** A published version number: 1, 2, ... */
    public static final String VERSION = "^[1-9][0-9]*$";

    /** A qualifier: $LATEST, a version number or an alias name. */
    public static final String QUALIFIER = "^(\\$LATEST|[a-zA-Z0-9_-]{1,128})$";

    /** A function with an optional qualifier, as NAME or NAME:QUALIFIER. */
    public static final String QUALIFIED_FUNCTION =
            "^[a-z0-9]([-a-z0-9]{0,62}[a-z0-9])?(:(\\$LATEST|[a-zA-Z0-9_-]{1,128}))?$";

    /** The name of a Kubernetes object such as a ConfigMap, Secret, ServiceAccount or PersistentVolumeClaim. */
    public static final String KUBERNETES_OBJECT = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
    public static final int KUBERNETES_OBJECT_MAX_LENGTH = 253;

    /** An environment variable name, as Lambda accepts it. */
    public static final String ENVIRONMENT_VARIABLE = "^[a-zA-Z][a-zA-Z0-9_]*$";

    private Names() {
    }
}
