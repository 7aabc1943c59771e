package dev.lamina.controller;

import java.util.Map;

/**
 * The AWS Lambda base images for the runtimes Lambda names. Operators extend or replace entries with
 * {@code lamina.controller.runtimes."NAME"=IMAGE} (for a mirror, or a runtime released after this list).
 */
final class DefaultRuntimes {
    private static final String ECR = "public.ecr.aws/lambda/";

    static final Map<String, String> IMAGES = Map.ofEntries(
            Map.entry("java8.al2", ECR + "java:8.al2"),
            Map.entry("java11", ECR + "java:11"),
            Map.entry("java17", ECR + "java:17"),
            Map.entry("java21", ECR + "java:21"),
            Map.entry("nodejs18.x", ECR + "nodejs:18"),
            Map.entry("nodejs20.x", ECR + "nodejs:20"),
            Map.entry("nodejs22.x", ECR + "nodejs:22"),
            Map.entry("python3.9", ECR + "python:3.9"),
            Map.entry("python3.10", ECR + "python:3.10"),
            Map.entry("python3.11", ECR + "python:3.11"),
            Map.entry("python3.12", ECR + "python:3.12"),
            Map.entry("python3.13", ECR + "python:3.13"),
            Map.entry("ruby3.2", ECR + "ruby:3.2"),
            Map.entry("ruby3.3", ECR + "ruby:3.3"),
            Map.entry("dotnet8", ECR + "dotnet:8"),
            Map.entry("provided.al2", ECR + "provided:al2"),
            Map.entry("provided.al2023", ECR + "provided:al2023"));

    private DefaultRuntimes() {
    }
}
