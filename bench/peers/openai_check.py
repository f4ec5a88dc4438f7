#!/usr/bin/env python3
"""Peer for the ftls benchmark: OpenAI's published chat fine-tuning format checks.

Re-implements, in plain standard-library Python, the per-example format
checks described in OpenAI's cookbook notebook "Data preparation and
analysis for chat model fine-tuning", widened to the message keys and
roles the current API accepts (tool calls):

  * data_type                  the line's value is not a JSON object
  * missing_messages_list      no "messages", or it is empty / not a list
  * message_data_type          a message is not a JSON object
  * message_missing_key        a message lacks "role" or "content"
  * message_unrecognized_key   a message has a key other than role, content,
                               name, function_call, weight, tool_calls,
                               tool_call_id
  * unrecognized_role          role not in system, user, assistant,
                               function, tool
  * missing_content            content is not a string, or is empty/None,
                               unless the message carries tool_calls or
                               function_call (then None is fine)
  * example_missing_assistant_message   no message has role "assistant"

Unlike the notebook, which loads the whole file with one json.loads per
line and stops on the first bad line, this reads the file line by line and
counts a line that is not valid JSON (or not UTF-8, or blank) as the error
type "json_decode", then goes on.

NOT included: the notebook's token-count warnings (examples over the
context limit, token statistics, estimated cost). They need the tiktoken
package, which is not available here (standard library only).

Usage: openai_check.py FILE      Prints the totals; always exits 0.
"""

import json
import sys
from collections import Counter

ALLOWED_KEYS = frozenset(
    ("role", "content", "name", "function_call", "weight", "tool_calls", "tool_call_id")
)
ALLOWED_ROLES = frozenset(("system", "user", "assistant", "function", "tool"))


def check_example(ex, errors):
    """Adds the format errors of one decoded example to the errors counter.

    Returns True when the example has none.
    """
    if not isinstance(ex, dict):
        errors["data_type"] += 1
        return False
    messages = ex.get("messages")
    if not messages or not isinstance(messages, list):
        errors["missing_messages_list"] += 1
        return False
    ok = True
    has_assistant = False
    for msg in messages:
        if not isinstance(msg, dict):
            errors["message_data_type"] += 1
            ok = False
            continue
        if "role" not in msg or "content" not in msg:
            errors["message_missing_key"] += 1
            ok = False
        for key in msg:
            if key not in ALLOWED_KEYS:
                errors["message_unrecognized_key"] += 1
                ok = False
                break
        role = msg.get("role")
        if role not in ALLOWED_ROLES:
            errors["unrecognized_role"] += 1
            ok = False
        elif role == "assistant":
            has_assistant = True
        content = msg.get("content")
        calls = msg.get("tool_calls") or msg.get("function_call")
        if content is None:
            if not calls:
                errors["missing_content"] += 1
                ok = False
        elif not isinstance(content, str) or (content == "" and not calls):
            errors["missing_content"] += 1
            ok = False
    if not has_assistant:
        errors["example_missing_assistant_message"] += 1
        ok = False
    return ok


def main(argv):
    if len(argv) != 2:
        print("usage: openai_check.py FILE", file=sys.stderr)
        return 2
    errors = Counter()
    rows = 0
    bad_rows = 0
    with open(argv[1], "rb") as f:
        for line in f:
            rows += 1
            try:
                ex = json.loads(line)
            except ValueError:  # JSONDecodeError and UnicodeDecodeError
                errors["json_decode"] += 1
                bad_rows += 1
                continue
            if not check_example(ex, errors):
                bad_rows += 1
    print(f"rows={rows} rows_with_errors={bad_rows}")
    if errors:
        print("Found errors:")
        for name, n in sorted(errors.items()):
            print(f"  {name}: {n}")
    else:
        print("No errors found")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
