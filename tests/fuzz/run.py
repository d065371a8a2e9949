"""Property-based fuzzing of the API with Schemathesis, against a server started by
`cargo xtask test`: no answer may be a 5xx, and every answer must match the OpenAPI document
(status, content type, schema). Signs in a demo staff account first, so that the staff
operations are exercised beyond 401."""

import json
import subprocess
import sys
import urllib.request


def staff_token(base: str, password: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/staff/sessions",
        data=json.dumps({"username": "wy-shujin", "password": password}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def main() -> int:
    base, password = sys.argv[1], sys.argv[2]
    token = staff_token(base, password)
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/v1/openapi.json",
        "--url", f"{base}/api/v1",
        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        "--max-examples", "40",
        "--seed", "20261127",
        "--workers", "2",
        "--header", f"Authorization: Bearer {token}",
        # Signing out would end the very session the rest of the run uses.
        "--exclude-operation-id", "staff_sign_out",
    ]
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
