package dev.lamina.urls;

import java.util.List;

/** Who called, as the Kubernetes API authenticated their bearer token. */
public record Caller(String username, String uid, List<String> groups) {
}
