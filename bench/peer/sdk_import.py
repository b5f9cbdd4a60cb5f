"""Imports an admin-center CSV (identifier,details) with Microsoft's Python
SDK (msgraph-beta-sdk): chunked importDeviceIdentityList calls, several in
flight, a static bearer token, the base URL pointed at the given Graph root.

Usage: sdk_import.py GRAPH_ROOT CSV CHUNK IN_FLIGHT
Prints one line: "<rows sent> <status true> <status false>".
"""

import asyncio
import csv
import sys

from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from msgraph_beta import GraphRequestAdapter, GraphServiceClient
from msgraph_beta.generated.device_management.imported_device_identities.import_device_identity_list.import_device_identity_list_post_request_body import (
    ImportDeviceIdentityListPostRequestBody,
)
from msgraph_beta.generated.models.enrollment_state import EnrollmentState
from msgraph_beta.generated.models.imported_device_identity import ImportedDeviceIdentity
from msgraph_beta.generated.models.imported_device_identity_type import (
    ImportedDeviceIdentityType,
)


class StaticToken(AccessTokenProvider):
    async def get_authorization_token(self, uri, additional_authentication_context=None):
        return "benchmark-token"

    def get_allowed_hosts_validator(self):
        return AllowedHostsValidator([])


def identity(identifier, details):
    kind = (
        ImportedDeviceIdentityType.Imei
        if identifier.isdigit() and len(identifier) in (14, 15)
        else ImportedDeviceIdentityType.SerialNumber
    )
    item = ImportedDeviceIdentity(
        odata_type="#microsoft.graph.importedDeviceIdentity",
        imported_device_identifier=identifier,
        imported_device_identity_type=kind,
        enrollment_state=EnrollmentState.NotContacted,
    )
    if details:
        item.description = details
    return item


async def main(root, path, chunk, in_flight):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [identity(r[0].strip(), ",".join(r[1:]).strip()) for r in csv.reader(f) if r]
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(StaticToken()))
    adapter.base_url = root
    client = GraphServiceClient(request_adapter=adapter)
    action = client.device_management.imported_device_identities.import_device_identity_list
    gate = asyncio.Semaphore(in_flight)

    async def send(part):
        async with gate:
            body = ImportDeviceIdentityListPostRequestBody(
                imported_device_identities=part,
                overwrite_imported_device_identities=False,
            )
            return (await action.post(body)).value

    parts = [rows[i : i + chunk] for i in range(0, len(rows), chunk)]
    results = [r for part in await asyncio.gather(*(send(p) for p in parts)) for r in part]
    ok = sum(1 for r in results if r.status)
    print(len(rows), ok, len(results) - ok)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
