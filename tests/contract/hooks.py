"""Schemathesis hooks for bdpay's contract test (scripts/contract.sh).

Our machines send traffic to loopback only. The worker POSTs webhooks to whatever URL an
endpoint names, so every endpoint the contract test creates points at the discard port on
loopback, whatever URL was generated: the `url` of a createWebhookEndpoint body is replaced
(that operation's negative_data_rejection check is off in schemathesis.toml, since a
mutated URL turns into a valid one here).
"""

import schemathesis

LOOPBACK_HOOK_URL = "http://127.0.0.1:9/contract-test"


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.operation.definition.raw.get("operationId") != "createWebhookEndpoint":
        return
    if isinstance(case.body, dict) and "url" in case.body:
        case.body["url"] = LOOPBACK_HOOK_URL
