package dev.lamina.images;

/** What a registry said of a tag: the digest of the manifest it names, or why there is none. */
public sealed interface DigestLookup {

    /** @param digest the manifest's digest, e.g. {@code sha256:…} */
    record Found(String digest) implements DigestLookup {
    }

    /** @param reason why the registry gave no digest, in words for a status message */
    record Failed(String reason) implements DigestLookup {
    }
}
