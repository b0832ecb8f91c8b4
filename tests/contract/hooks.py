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

The checkout settings and the blocklist (OWN_MERCHANT_OPERATIONS) change how every later
checkout of their merchant is judged: a generated PUT /v1/settings could switch the demo
merchant's risk limits back on, a generated POST /v1/blocklist could block a wallet the other
suites pay with. So they never run as the demo merchant: schemathesis.toml sends them with the
key of the contract test's own merchant (`mer_contract`, made by scripts/contract.sh, key in
BDPAY_CONTRACT_KEY; no call is made without it, and a call that went with another key stops
the run), and that merchant never shares its blocklist: a generated `"shared_blocklist": true`
is sent as `false` (the answer is still checked against the schema). scripts/contract.sh also
checks afterwards that the demo merchant's settings and blocklist are as they were.
"""

import collections
import json
import os

import requests
import schemathesis

LOOPBACK_HOOK_URL = "http://127.0.0.1:9/contract-test"
KEEP_ENDPOINTS = 4
_made = collections.deque()

# Sent only with the contract merchant's key (schemathesis.toml), never the demo merchant's.
OWN_MERCHANT_OPERATIONS = frozenset(
    {"getCheckoutSettings", "putCheckoutSettings", "createBlocklistEntry", "listBlocklist", "deleteBlocklistEntry"}
)
DEMO_KEY = "sk_test_demo"


def _own_key():
    key = os.environ.get("BDPAY_CONTRACT_KEY", "")
    if not key or key == DEMO_KEY:
        raise RuntimeError("BDPAY_CONTRACT_KEY must name the contract merchant's own key (scripts/contract.sh)")
    return key


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
    if operation in OWN_MERCHANT_OPERATIONS:
        _own_key()
        if operation == "putCheckoutSettings" and isinstance(case.body, dict):
            if case.body.get("shared_blocklist") is True:
                case.body["shared_blocklist"] = False
    if operation == "createWebhookEndpoint" and isinstance(case.body, dict) and "url" in case.body:
        case.body["url"] = LOOPBACK_HOOK_URL
    elif operation == "ipnBkash":
        if isinstance(case.body, (bytes, bytearray)):
            case.body = bytes(case.body).replace(b"amazonaws", b"example-invalid")
        else:
            case.body = _no_amazon(case.body)


@schemathesis.hook
def after_call(context, case, response):
    operation = case.operation.definition.raw.get("operationId")
    if operation in OWN_MERCHANT_OPERATIONS:
        # A tripwire: should the per-operation key ever stop applying, stop the run loudly. (A
        # case sent with no Authorization at all, as the coverage phase does once, is a 401.)
        sent = response.request.headers.get("Authorization", "")
        if sent and sent != "Bearer " + _own_key():
            raise RuntimeError(f"{operation} was sent with a key other than the contract merchant's")
    if operation != "createWebhookEndpoint" or response.status_code != 201:
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
