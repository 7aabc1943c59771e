package dev.lamina.shim.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.Map;

/** A handler whose class cannot initialize: the runtime reports an init error. */
public class BrokenInit {

    static {
        if (Boolean.parseBoolean("true")) {
            throw new IllegalStateException("static init failed on purpose");
        }
    }

    public Map<String, Object> handle(Map<String, Object> event, Context context) {
        return event;
    }
}
