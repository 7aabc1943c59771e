package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Greets whoever the event names: {@code {"name": "Ada"}}. An event with {@code "fail"} makes it throw, to show how a
 * function error comes back. Like every Lambda handler, one instance serves many invocations in a warm environment.
 */
public class Hello implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private int invocations;

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        invocations++;
        Object name = event == null ? null : event.get("name");
        context.getLogger().log("greeting " + (name == null ? "the world" : name) + "\n");
        if (event != null && event.containsKey("fail")) {
            throw new IllegalArgumentException("asked to fail: " + event.get("fail"));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("message", "Hello, " + (name == null ? "world" : name) + "!");
        result.put("functionVersion", context.getFunctionVersion());
        result.put("invokedFunctionArn", context.getInvokedFunctionArn());
        result.put("requestId", context.getAwsRequestId());
        result.put("invocationsInThisEnvironment", invocations);
        if (context.getClientContext() != null) {
            result.put("clientContext", context.getClientContext().getCustom());
        }
        return result;
    }
}
