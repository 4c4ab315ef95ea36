"""Engine URLs of the department stores."""

from departments.database import engine_url


def test_mysql_connections_default_to_utf8mb4():
    assert engine_url("mysql+asyncmy://root@127.0.0.1:3306/db").query == {"charset": "utf8mb4"}


def test_an_explicit_charset_is_kept():
    assert engine_url("mysql+asyncmy://root@127.0.0.1/db?charset=utf8").query == {"charset": "utf8"}


def test_other_backends_are_untouched():
    assert engine_url("postgresql+asyncpg://postgres@127.0.0.1/db").query == {}
    assert engine_url("sqlite+aiosqlite:///data/licence.db").query == {}
