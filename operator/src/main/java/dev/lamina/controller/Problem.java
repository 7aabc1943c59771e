package dev.lamina.controller;

/**
 * Something in or around a resource's spec that stops the operator from applying it, told the way a user reads it.
 *
 * @param reason  one CamelCase word, used as condition reason and Event reason
 * @param message what is wrong and how to fix it
 */
public record Problem(String reason, String message) {
}
