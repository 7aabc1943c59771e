"""Lamina's runtime client for Python functions in local mode.

Talks to the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API as AWS's Python runtime does: imports the handler once
(init), then loops on /invocation/next, calling the handler with the event and a context object, and posts the result
or the error in the shapes AWS's client gives them. Standard library only; runs on Python 3.8 and newer.

Usage: python3 -u -B lamina_python_runtime.py RUNTIME  (RUNTIME as the function's spec names it, e.g. python3.12;
the handler comes from _HANDLER).
"""

import http.client
import importlib
import json
import logging
import math
import os
import sys
import time
import traceback

API_VERSION = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
XRAY_CAUSE_HEADER = "Lambda-Runtime-Function-XRay-Error-Cause"
XRAY_CAUSE_LIMIT = 1024 * 1024
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"
# AWS's client indents the lines of a logged traceback with no-break spaces so that log viewers keep them.
TRACE_INDENT = "\u00a0"
UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare"
    " cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed runtimes,"
    " runtime updates can be triggered by a function change, or can be applied automatically. To determine if the"
    " runtime has been updated, check the runtime version in the INIT_START log entry. If this error correlates with"
    " a change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the"
    " previous runtime version. For more information, see"
    " https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html")
# Record attributes that are not copied into a JSON log line as extra fields.
RESERVED_RECORD_FIELDS = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info", "exc_text",
    "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread", "threadName",
    "processName", "process", "taskName", "aws_request_id", "tenant_id",
}

request_id = None
tenant_id = None


class Fault(Exception):
    """An error the runtime names itself (Runtime.*), with AWS's message."""

    MARSHAL = "Runtime.MarshalError"
    UNMARSHAL = "Runtime.UnmarshalError"
    SYNTAX = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    CONTEXT_UNMARSHAL = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


# ---- the context object ----------------------------------------------------------------------------------------

class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id={},cognito_identity_pool_id={}])".format(
            self.cognito_identity_id, self.cognito_identity_pool_id)


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __repr__(self):
        return "Client([" + ",".join("{}={}".format(f, getattr(self, f)) for f in self.__slots__) + "])"


class ClientContext:
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "ClientContext([custom={},env={},client={}])".format(self.custom, self.env, self.client)


def from_dict(cls, values):
    """An instance of cls with each slot taken from values (None when absent), or None without values."""
    if values is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field))
    return obj


class LambdaContext:
    def __init__(self, invoke_id, client_context, cognito_identity, deadline_ms, invoked_function_arn, tenant):
        self.aws_request_id = invoke_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant
        self.client_context = from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = from_dict(Client, self.client_context.client)
        self.identity = from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        remaining = self._deadline_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return ("LambdaContext([aws_request_id={},log_group_name={},log_stream_name={},function_name={},"
                "memory_limit_in_mb={},function_version={},invoked_function_arn={},client_context={},identity={},"
                "tenant_id={}])").format(
            self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
            self.memory_limit_in_mb, self.function_version, self.invoked_function_arn, self.client_context,
            self.identity, self.tenant_id)


# ---- logging ---------------------------------------------------------------------------------------------------

class Unbuffered:
    """A stream that flushes every write, so each line reaches the log at once."""

    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = request_id or ""
        record.tenant_id = tenant_id
        return True


class StdoutHandler(logging.Handler):
    def emit(self, record):
        sys.stdout.write(self.format(record))


def level_of(record):
    """The record's level rounded down to a standard one (as AWS's JSON lines report it)."""
    return min(50, max(0, record.levelno)) // 10 * 10


class JsonFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):
        return time.strftime(TIMESTAMP_FORMAT, time.gmtime(record.created)) + ".%03dZ" % int(record.msecs)

    def format(self, record):
        record.levelno = level_of(record)
        record.levelname = logging.getLevelName(record.levelno)
        exc = record.exc_info
        line = {
            "timestamp": self.formatTime(record),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc[2]) if exc else None,
            "errorType": exc[0].__name__ if exc else None,
            "errorMessage": str(exc[1]) if exc else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": "{}:{}:{}".format(record.pathname, record.funcName, record.lineno) if exc else None,
        }
        if getattr(record, "tenant_id", None) is not None:
            line["tenantId"] = record.tenant_id
        for key, value in record.__dict__.items():
            if key not in RESERVED_RECORD_FIELDS and key not in line:
                line[key] = value
        line = {k: v for k, v in line.items() if v is not None}
        return json.dumps(line, ensure_ascii=False, default=str) + "\n"


def json_logs():
    return (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"


def setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = StdoutHandler()
    if json_logs():
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", TIMESTAMP_FORMAT))
    level = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    level = "DEBUG" if level == "TRACE" else level
    if level in ("CRITICAL", "FATAL", "ERROR", "WARN", "WARNING", "INFO", "DEBUG", "NOTSET"):
        logging.getLogger().setLevel(level)
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)


def log_error(error):
    """Logs an error as AWS's client does: one JSON line, or the message and its traceback as text."""
    if json_logs():
        line = {"timestamp": time.strftime(TIMESTAMP_FORMAT, time.gmtime()), "level": "ERROR"}
        line.update(error)
        sys.stdout.write(to_json(line) + "\n")
        return
    description = "[ERROR]"
    if error["errorType"]:
        description += " " + error["errorType"]
    if error["errorMessage"]:
        description += (":" if error["errorType"] else "") + " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for frame in error["stackTrace"]:
        for trace_line in frame.splitlines() or [""]:
            stripped = trace_line.lstrip(" ")
            lines.append(TRACE_INDENT * (len(trace_line) - len(stripped)) + stripped)
    sys.stdout.write("\n".join(lines) + "\n")


# ---- events, results and errors --------------------------------------------------------------------------------

class Encoder(json.JSONEncoder):
    def default(self, obj):
        import decimal  # only when a result holds something json cannot write itself

        if isinstance(obj, decimal.Decimal):
            if obj.is_nan():
                return math.nan
            return int(obj) if obj == obj.to_integral_value() else float(obj)
        return super().default(obj)


def ensure_ascii():
    # AWS's python3.12 runtime writes non-ASCII characters as they are; its other runtimes escape them.
    return os.environ.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12"


def to_json(obj):
    return Encoder(ensure_ascii=ensure_ascii()).encode(obj)


def unmarshal_event(body, content_type):
    if content_type != "application/json":
        return body
    try:
        return json.loads(body)
    except Exception as e:
        raise Fault(Fault.UNMARSHAL, "Unable to unmarshal input: {}".format(e))


def marshal_result(result):
    if isinstance(result, bytes):
        return result, "application/unknown"
    try:
        return to_json(result).encode("utf-8"), "application/json"
    except Exception as e:
        raise Fault(Fault.MARSHAL, "Unable to marshal response: {}".format(e))


def parse_json_header(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise Fault(Fault.CONTEXT_UNMARSHAL, "Unable to parse {} JSON: {}".format(name, e))


def make_error(message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace or [],
    }


def user_frames(tb):
    """The traceback's frames from the first one outside this client: the function's own."""
    frames = traceback.extract_tb(tb)
    here = os.path.abspath(__file__)
    for i, frame in enumerate(frames):
        if os.path.abspath(frame.filename) != here:
            return frames[i:]
    return frames


def error_of(exc, invoke_id=None):
    if isinstance(exc, Fault):
        return make_error(exc.message, exc.error_type, exc.trace, invoke_id), []
    frames = user_frames(exc.__traceback__)
    return (make_error(str(exc), type(exc).__name__, traceback.format_list(frames), invoke_id),
            [{"label": f.name, "path": f.filename, "line": f.lineno} for f in frames])


def xray_cause(error, frames):
    return to_json({
        "working_directory": os.getcwd(),
        "exceptions": [{"message": error["errorMessage"], "type": error["errorType"], "stack": frames}],
        "paths": sorted({f["path"] for f in frames}),
    })


# ---- the Runtime API -------------------------------------------------------------------------------------------

class RuntimeApi:
    def __init__(self, address):
        self.connection = http.client.HTTPConnection(address)

    def request(self, method, path, body=None, headers=None):
        self.connection.request(method, API_VERSION + path, body, headers or {})
        response = self.connection.getresponse()
        data = response.read()
        if method == "POST" and response.status != 202:
            raise RuntimeError("Request to Lambda Runtime '{}' endpoint failed. Reason: '{}'. Response body: '{}'"
                               .format(path, response.status, data.decode("utf-8", "replace")))
        return response, data

    def next(self):
        response, body = self.request("GET", "/invocation/next")
        if response.status != 200:
            raise RuntimeError("LAMBDA_RUNTIME Failed to get next invocation: {} {}".format(
                response.status, body.decode("utf-8", "replace")))
        return response.headers, body

    def post_result(self, invoke_id, body, content_type):
        self.request("POST", "/invocation/{}/response".format(invoke_id), body, {"Content-Type": content_type})

    def post_error(self, invoke_id, error, cause):
        headers = {"Content-Type": "application/json", ERROR_TYPE_HEADER: error["errorType"]}
        if len(cause.encode("utf-8")) < XRAY_CAUSE_LIMIT:
            headers[XRAY_CAUSE_HEADER] = cause
        self.request("POST", "/invocation/{}/error".format(invoke_id), to_json(error).encode("utf-8"), headers)

    def post_init_error(self, error):
        self.request("POST", "/init/error", to_json(error).encode("utf-8"),
                     {"Content-Type": "application/json", ERROR_TYPE_HEADER: error["errorType"]})


# ---- init and the loop -----------------------------------------------------------------------------------------

def load_handler(handler):
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault(Fault.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, e))
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise Fault(Fault.BUILT_IN_MODULE_CONFLICT,
                    "Cannot use built-in module {} as a handler module".format(module_name))
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise Fault(Fault.IMPORT_MODULE, "Unable to import module '{}': {}".format(module_name, e))
    except SyntaxError as e:
        raise Fault(Fault.SYNTAX, "Syntax error in module '{}': {}".format(module_name, e),
                    ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)])
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise Fault(Fault.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(function_name, module_name))


def handle(api, handler, headers, body):
    invoke_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    try:
        client_context = headers.get("Lambda-Runtime-Client-Context")
        identity = headers.get("Lambda-Runtime-Cognito-Identity")
        context = LambdaContext(
            invoke_id,
            parse_json_header(client_context, "Client Context") if client_context else None,
            parse_json_header(identity, "Cognito Identity") if identity else None,
            int(headers.get("Lambda-Runtime-Deadline-Ms") or 0),
            headers.get("Lambda-Runtime-Invoked-Function-Arn"),
            headers.get("Lambda-Runtime-Aws-Tenant-Id"))
        event = unmarshal_event(body, headers.get("Content-Type"))
        result, content_type = marshal_result(handler(event, context))
    except Exception as e:
        error, frames = error_of(e, invoke_id)
        log_error(error)
        api.post_error(invoke_id, error, xray_cause(error, frames))
        return
    api.post_result(invoke_id, result, content_type)


def serve(api, handler):
    global request_id, tenant_id
    while True:
        headers, body = api.next()
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id is not None:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        handle(api, handler, headers, body)


def fork_servers(count):
    """Forks count more processes serving invocations, as AWS's runtime serves several at once: each process runs one
    invocation at a time. A child dies with this process; when one ends, this process ends the others and exits, so
    the environment sees its runtime gone. Returns in each process."""
    import ctypes
    import signal

    children = []

    def child_ended(signum, frame):
        for child in children:
            try:
                ended = os.waitpid(child, os.WNOHANG)[0] == child
            except ChildProcessError:
                ended = True
            if ended:
                for other in children:
                    try:
                        os.kill(other, signal.SIGKILL)
                    except OSError:
                        pass
                os._exit(1)

    signal.signal(signal.SIGCHLD, child_ended)
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG, where there is one
            except (AttributeError, OSError):
                pass
            return
        children.append(pid)
    child_ended(None, None)  # one that ended before it was listed


def main():
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    if len(sys.argv) > 1:
        os.environ.setdefault("AWS_EXECUTION_ENV", "AWS_Lambda_" + sys.argv[1])
    # The task root comes first on the path; this script's own directory is not on it.
    if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)
    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd())
    address = os.environ["AWS_LAMBDA_RUNTIME_API"]
    setup_logging()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as e:
        error, _ = error_of(e)
        logging.warning(UNHANDLED_WARNING)
        log_error(error)
        RuntimeApi(address).post_init_error(error)
        sys.exit(1)
    concurrency = int(os.environ.get("AWS_LAMBDA_MAX_CONCURRENCY") or 1)
    if concurrency > 1:
        fork_servers(concurrency - 1)
    serve(RuntimeApi(address), handler)


if __name__ == "__main__":
    main()
