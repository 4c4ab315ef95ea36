"""A key pair for the gateway's service tokens (README "Department authentication"): the gateway signs with the
private key, the licence service trusts the public one."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from connectors.service_tokens import ServiceTokens
from connectors.signing_key import load_signing_key, new_private_key_pem
from departments.gateway_keys import load_gateway_keys
from departments.gateway_tokens import GatewayTokenVerifier
from settings import Settings

LICENCE_AUDIENCE = "licence"


@dataclass(frozen=True)
class DepartmentKeys:
    private: Path
    public: Path

    def tokens(self) -> ServiceTokens:
        """What the gateway sends the licence service, for calls made without it."""
        key = load_signing_key(self.private.read_bytes(), self.private)
        return ServiceTokens(key, Settings.model_fields["department_token_issuer"].default, LICENCE_AUDIENCE)

    def verifier(self, audience: str = LICENCE_AUDIENCE) -> GatewayTokenVerifier:
        """A department's check of the tokens the gateway signs with this key."""
        issuer = Settings.model_fields["department_token_issuer"].default
        return GatewayTokenVerifier(load_gateway_keys(self.public), issuer, audience)


def write_department_keys(directory: Path) -> DepartmentKeys:
    keys = DepartmentKeys(directory / "department-signing-key", directory / "department-signing-key.pub")
    keys.private.write_bytes(new_private_key_pem())
    keys.public.write_bytes(load_signing_key(keys.private.read_bytes(), keys.private).public_pem())
    return keys
