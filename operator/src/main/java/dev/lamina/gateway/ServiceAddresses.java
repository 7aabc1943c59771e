package dev.lamina.gateway;

/** Where a Kubernetes Service is reached from the gateway: its cluster DNS name, or this machine in local mode. */
@FunctionalInterface
public interface ServiceAddresses {

    /** The host name of a Service. */
    String host(String namespace, String service);
}
