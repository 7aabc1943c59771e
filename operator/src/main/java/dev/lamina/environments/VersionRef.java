package dev.lamina.environments;

/** One function version in one namespace: {@code $LATEST} or a published version number. */
public record VersionRef(String namespace, String function, String version) {

    @Override
    public String toString() {
        return namespace + "/" + function + ":" + version;
    }
}
