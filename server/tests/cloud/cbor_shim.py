#!/usr/bin/env python3
"""A thin CBOR <-> JSON translation in front of moto, for tests only.

aws-sdk-cloudwatch speaks Smithy RPC v2 CBOR (POST /service/<Service>/operation/<Op>,
application/cbor); moto serves CloudWatch as AWS JSON 1.0. This proxy turns such a request into
JSON 1.0 (X-Amz-Target: <Service>.<Op>), forwards it, and turns the answer back into CBOR, with
timestamps as CBOR tag 1 as the SDK expects. Every other request is forwarded untouched.

usage: cbor_shim.py LISTEN_PORT MOTO_URL
"""
import http.client
import http.server
import json
import sys
from urllib.parse import urlparse

import cbor2

TIMESTAMP_SUFFIX = "Timestamp"
# GetMetricData answers lists: every timestamp tagged, every value a double.
TIMESTAMP_LISTS = {"Timestamps"}
DOUBLES = {"Threshold"}
DOUBLE_LISTS = {"Values"}


def to_json(value):
    if isinstance(value, cbor2.CBORTag) and value.tag == 1:
        return value.value
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if hasattr(value, "timestamp"):
        return value.timestamp()
    return value


def to_cbor(value, key=""):
    if isinstance(value, dict):
        return {k: to_cbor(v, k) for k, v in value.items()}
    if isinstance(value, list) and key in TIMESTAMP_LISTS:
        return [cbor2.CBORTag(1, float(v)) for v in value]
    if isinstance(value, list) and key in DOUBLE_LISTS:
        return [float(v) for v in value]
    if isinstance(value, list):
        return [to_cbor(v) for v in value]
    if key.endswith(TIMESTAMP_SUFFIX) and isinstance(value, (int, float)):
        return cbor2.CBORTag(1, float(value))
    if key in DOUBLES and isinstance(value, int):
        return float(value)
    return value


class Shim(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parts = self.path.split("/")
        cbor = self.headers.get("Content-Type", "").startswith("application/cbor")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        if cbor and len(parts) >= 5 and parts[1] == "service" and parts[3] == "operation":
            service, operation = parts[2], parts[4]
            payload = to_json(cbor2.loads(body)) if body else {}
            headers = {k: v for k, v in headers.items() if k.lower() not in ("content-type", "smithy-protocol", "accept")}
            headers["Content-Type"] = "application/x-amz-json-1.0"
            headers["X-Amz-Target"] = f"{service}.{operation}"
            status, answer, _ = forward("/", json.dumps(payload).encode(), headers)
            decoded = json.loads(answer) if answer else {}
            out = cbor2.dumps(to_cbor(decoded))
            self.reply(status, out, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
        else:
            status, answer, answer_headers = forward(self.path, body, headers)
            self.reply(status, answer, answer_headers)

    def reply(self, status, body, headers):
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def forward(path, body, headers):
    conn = http.client.HTTPConnection(MOTO.hostname, MOTO.port, timeout=30)
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    answer = response.read()
    result = (response.status, answer, dict(response.getheaders()))
    conn.close()
    return result


if __name__ == "__main__":
    MOTO = urlparse(sys.argv[2])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Shim)
    server.serve_forever()
