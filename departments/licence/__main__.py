"""python -m departments.licence --database-url URL --gateway-key PATH [--host 127.0.0.1 --port 8001]
[--ssl-certfile CERT --ssl-keyfile KEY]"""

from pathlib import Path

import typer
import uvicorn

from departments.gateway_keys import BadGatewayKey, load_gateway_keys
from departments.gateway_tokens import MAX_LIFETIME_SECONDS, GatewayTokenVerifier
from departments.licence.service import create_app


def main(
    database_url: str = typer.Option(..., help="The licence store, e.g. sqlite+aiosqlite:///data/licence.db"),
    gateway_key: Path = typer.Option(..., help="The gateway's public key: PEM, or a JSON Web Key Set "
                                               "(huitong department-key prints it)"),
    issuer: str = typer.Option("huitong", help="The gateway's name in its tokens (iss)"),
    audience: str = typer.Option("licence", help="This service's name in the tokens (aud)"),
    max_token_lifetime: int = typer.Option(MAX_LIFETIME_SECONDS, help="Seconds; longer-lived tokens are refused"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8001),
    ssl_certfile: Path | None = typer.Option(None, help="Serve HTTPS with this certificate chain (PEM)"),
    ssl_keyfile: Path | None = typer.Option(None, help="... and this private key (PEM)"),
) -> None:
    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise typer.BadParameter("give both --ssl-certfile and --ssl-keyfile, or neither")
    try:
        keys = load_gateway_keys(gateway_key)
    except (BadGatewayKey, OSError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--gateway-key") from None
    verifier = GatewayTokenVerifier(keys, issuer, audience, max_token_lifetime)
    uvicorn.run(create_app(database_url, verifier), host=host, port=port, access_log=False,
                ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile)


if __name__ == "__main__":
    typer.run(main)
