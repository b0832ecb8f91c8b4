"""Schemathesis hooks for bdpay's contract test (scripts/contract.sh).

Our machines send traffic to loopback only, and two operations make the worker fetch a URL
named in the request:

- createWebhookEndpoint: the worker POSTs webhooks to the endpoint's `url`. Every endpoint
  the test creates points at the discard port on loopback, whatever URL was generated (that
  operation's negative_data_rejection check is off in schemathesis.toml: a mutated URL turns
  into a valid one here).
- ipnBkash: the worker fetches an SNS signing certificate from any Amazon SNS host
  (`sns.<region>.amazonaws.com`) before it checks the signature, also in dev. No generated
  body may name such a host: "amazonaws" is rewritten out of every string in it.

A merchant may have 16 endpoints: the test keeps at most 4 of those it made (it deletes the
oldest), so later creates reach the real path rather than the limit, and the demo merchant
is left with room for the tests that run after it.
"""

import collections
import json

import requests
import schemathesis

LOOPBACK_HOOK_URL = "http://127.0.0.1:9/contract-test"
KEEP_ENDPOINTS = 4
_made = collections.deque()


def _no_amazon(value):
    if isinstance(value, str):
        return value.replace("amazonaws", "example-invalid")
    if isinstance(value, dict):
        return {_no_amazon(k): _no_amazon(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_amazon(v) for v in value]
    return value


@schemathesis.hook
def before_call(context, case, kwargs):
    operation = case.operation.definition.raw.get("operationId")
    if operation == "createWebhookEndpoint" and isinstance(case.body, dict) and "url" in case.body:
        case.body["url"] = LOOPBACK_HOOK_URL
    elif operation == "ipnBkash":
        if isinstance(case.body, (bytes, bytearray)):
            case.body = bytes(case.body).replace(b"amazonaws", b"example-invalid")
        else:
            case.body = _no_amazon(case.body)


@schemathesis.hook
def after_call(context, case, response):
    if case.operation.definition.raw.get("operationId") != "createWebhookEndpoint" or response.status_code != 201:
        return
    try:
        made = json.loads(response.content)["id"]
    except (ValueError, KeyError, TypeError):
        return
    request = response.request
    _made.append((request.url.rstrip("/") + "/" + made, request.headers.get("Authorization")))
    while len(_made) > KEEP_ENDPOINTS:
        url, auth = _made.popleft()
        # The same worker the request went to (loopback); a failure here is not the test's.
        try:
            requests.delete(url, headers={"Authorization": auth} if auth else {}, timeout=10)
        except requests.RequestException:
            pass
