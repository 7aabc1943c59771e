package dev.lamina.controller;

import dev.lamina.api.FunctionSpec;

/**
 * One version of a function that must have a Deployment: {@code $LATEST} from the current spec, or a published
 * version from its snapshot.
 *
 * @param function        the Function's name
 * @param version         {@code $LATEST} or a version number
 * @param spec            the spec this version runs
 * @param contentDigest   digest of the code and layers the pods load, so changed content rolls the pods
 * @param minEnvironments environments kept for provisioned concurrency
 */
record VersionTarget(String function, String version, FunctionSpec spec, String contentDigest, int minEnvironments) {
}
