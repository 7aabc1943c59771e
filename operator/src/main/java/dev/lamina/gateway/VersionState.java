package dev.lamina.gateway;

/**
 * Whether a version can run here, in Lambda's words (GetFunction's State, StateReasonCode, StateReason).
 *
 * @param state      Active or Failed
 * @param reasonCode Lambda's StateReasonCode when not Active
 * @param reason     a sentence saying why, when not Active
 */
public record VersionState(String state, String reasonCode, String reason) {

    public static final VersionState ACTIVE = new VersionState("Active", null, null);

    public static VersionState failed(String reasonCode, String reason) {
        return new VersionState("Failed", reasonCode, reason);
    }

    public boolean active() {
        return "Active".equals(state);
    }
}
