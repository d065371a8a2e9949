"""Our Open311 endpoints read by an existing client library from PyPI (georeport), as a
dashboard or an open-data portal would, plus a partner's filing with its api_key.

Usage: client.py <server URL> <api_key>. Exits non-zero on the first difference.
"""

import sys

import requests
from georeport import GeoReport


def main(base: str, api_key: str) -> None:
    root = base.rstrip("/") + "/open311/v2"
    client = GeoReport(root, api_key=api_key)

    services = client.get_service_list()
    assert isinstance(services, list) and services, services
    lift = next(s for s in services if s["service_name"] == "电梯故障")
    definition = client.get_service_definition(lift["service_code"])
    community = definition["attributes"][0]
    assert community["code"] == "community" and community["required"], community

    created = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": api_key,
            "service_code": lift["service_code"],
            "attribute[community]": community["values"][0]["key"],
            "description": "3栋电梯门关不上，已经两天了",
            "phone": "13800138000",
        },
        timeout=10,
    )
    created.raise_for_status()
    number = created.json()[0]["service_request_id"]

    one = client.get_service_request(number)
    assert one["service_request_id"] == number and one["status"] == "open", one
    assert "13800138000" not in str(one), one
    listed = client.get_service_requests(service_request_id=number)
    assert [r["service_request_id"] for r in listed] == [number], listed
    open_ones = client.get_service_requests(service_code=lift["service_code"], status="open")
    assert number in [r["service_request_id"] for r in open_ones], open_ones
    closed = client.get_service_requests(status="closed")
    assert all(r["status"] == "closed" for r in closed), closed

    refused = requests.post(f"{root}/requests.json", data={"api_key": "wrong", "service_code": lift["service_code"]}, timeout=10)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403, refused.text
    print(f"Open311 read by georeport: {len(services)} services, request {number} filed and found, "
          f"{len(open_ones)} open of its service, {len(closed)} closed in 90 days")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
