package dev.lamina.gateway;

import dev.lamina.api.FunctionSpec;
import java.time.Instant;

/**
 * What the control plane knows about one version: its immutable configuration and where its code came from.
 *
 * @param version      {@code $LATEST} or the version number
 * @param spec         the function configuration of this version
 * @param codeLocation where the code is: an image reference, or a URL or path of the code archive or directory
 * @param codeSha256   base64 SHA-256 of the code, as Lambda reports CodeSha256
 * @param codeSize     bytes of code
 * @param configSha256 hex SHA-256 of code and configuration together; a change publishes a new version
 * @param lastModified when this configuration took effect
 * @param state        whether it can run here
 */
public record VersionInfo(String version, FunctionSpec spec, String codeLocation, String codeSha256, long codeSize,
                          String configSha256, Instant lastModified, VersionState state) {
}
