"""python -m departments.licence --database-url URL [--host 127.0.0.1 --port 8001]"""

import typer
import uvicorn

from departments.licence.service import create_app


def main(
    database_url: str = typer.Option(..., help="The licence store, e.g. sqlite+aiosqlite:///data/licence.db"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8001),
) -> None:
    uvicorn.run(create_app(database_url), host=host, port=port, access_log=False)


if __name__ == "__main__":
    typer.run(main)
