"""Routing: ``/api/v1/<service>/...`` forwarded to that service's ``/api/v1/...``.

The gateway is the one address front-end apps and other government systems
know. It forwards a call as it came (method, path, query, body and the
end-to-end headers, the caller's token among them), adds the request id and
the W3C trace context, and streams the answer back. The services' OpenAPI
documents are merged into the gateway's own, so its ``/docs`` shows all four.
"""
