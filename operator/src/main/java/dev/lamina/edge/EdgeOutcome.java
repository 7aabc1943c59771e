package dev.lamina.edge;

import java.util.Objects;

/** What a Lambda@Edge function's result means for the request it ran for. */
public sealed interface EdgeOutcome {

    /** A request event's function let the request go on, as it returned it (possibly changed). */
    record ContinueWith(EdgeRequest request) implements EdgeOutcome {

        public ContinueWith {
            Objects.requireNonNull(request, "request");
        }
    }

    /**
     * A request event's function answered the request itself: the viewer gets this response and no origin is asked
     * (an origin-request function's response is cached as the origin's would be).
     */
    record Generated(EdgeResponse response) implements EdgeOutcome {

        public Generated {
            Objects.requireNonNull(response, "response");
        }
    }

    /** A response event's function returned the response to go on with (possibly changed). */
    record Respond(EdgeResponse response) implements EdgeOutcome {

        public Respond {
            Objects.requireNonNull(response, "response");
        }
    }

    /** The result broke Lambda@Edge's rules: the viewer gets {@link EdgeErrors#invalidResult}, the log the reason. */
    record Invalid(String reason) implements EdgeOutcome {

        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
