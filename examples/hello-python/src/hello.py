import logging
import os

logger = logging.getLogger()
logger.setLevel(logging.INFO)

GREETING = os.environ.get("GREETING", "Hello")


def handler(event, context):
    name = (event or {}).get("name", "world")
    logger.info("greeting %s", name)
    return {
        "message": "{}, {}! (from {} version {})".format(GREETING, name, context.function_name,
                                                       context.function_version),
        "requestId": context.aws_request_id,
        "remainingMillis": context.get_remaining_time_in_millis(),
    }
