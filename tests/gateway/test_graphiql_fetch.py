"""The fetch script of GraphiQL's files, against a registry on disk (file:// URLs): it installs only what matches
its pins, and on a wrong hash refuses, says why and leaves the installed files as they were."""
from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from gateway.assets.fetch import main
from gateway.assets.pins import LOCK, integrity_of, read_pins

SCRIPT = b"window.Pinned = true;\n"
LICENCE = b"MIT License\n"


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def _publish(registry: Path, tarball: bytes) -> None:
    path = registry / "pinned" / "-" / "pinned-1.0.0.tgz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tarball)


def _lock(path: Path, tarball_integrity: str, script_integrity: str, name: str = "pinned.js") -> Path:
    files = [{"member": "package/pinned.js", "name": name, "integrity": script_integrity},
             {"member": "package/LICENSE", "name": "pinned.LICENSE.txt", "integrity": integrity_of(LICENCE, "sha384")}]
    package = {"name": "pinned", "version": "1.0.0", "integrity": tarball_integrity, "files": files}
    path.write_text(json.dumps({"packages": [package]}), encoding="utf-8")
    return path


@pytest.fixture()
def registry(tmp_path: Path) -> tuple[Path, Path]:
    """A registry holding the genuine tarball, and a lock pinning it."""
    tarball = _tarball({"package/pinned.js": SCRIPT, "package/LICENSE": LICENCE, "package/other.js": b"x"})
    _publish(tmp_path / "registry", tarball)
    lock = _lock(tmp_path / "lock.json", integrity_of(tarball, "sha512"), integrity_of(SCRIPT, "sha384"))
    return tmp_path / "registry", lock


def _fetch(registry: Path, lock: Path, vendor: Path) -> int:
    return main(["--lock", str(lock), "--vendor", str(vendor), "--registry", registry.as_uri()])


def _left_beside(vendor: Path) -> set[str]:
    return {p.name for p in vendor.parent.iterdir() if p.name.startswith(".vendor-")}


def test_the_pinned_files_are_installed_and_nothing_else(registry: tuple[Path, Path], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    vendor = tmp_path / "vendor"
    assert _fetch(*registry, vendor) == 0
    assert {p.name: p.read_bytes() for p in vendor.iterdir()} == {"pinned.js": SCRIPT, "pinned.LICENSE.txt": LICENCE}
    assert "pinned@1.0.0 fetched and checked" in capsys.readouterr().err
    assert not _left_beside(vendor)


def test_files_already_in_place_need_no_registry(registry: tuple[Path, Path], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    vendor = tmp_path / "vendor"
    assert _fetch(*registry, vendor) == 0
    assert _fetch(tmp_path / "no-registry-here", registry[1], vendor) == 0
    assert "already in place" in capsys.readouterr().err


def test_a_tampered_tarball_is_refused_and_the_installed_files_stay(registry: tuple[Path, Path], tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    registry_dir, lock = registry
    vendor = tmp_path / "vendor"
    assert _fetch(registry_dir, lock, vendor) == 0
    before = {p.name: p.read_bytes() for p in vendor.iterdir()}
    (vendor / "pinned.js").write_bytes(b"edited by hand")  # so the script fetches again
    tampered = _tarball({"package/pinned.js": b"window.Pinned = 'evil';\n", "package/LICENSE": LICENCE})
    _publish(registry_dir, tampered)

    assert _fetch(registry_dir, lock, vendor) == 1
    said = capsys.readouterr().err
    assert "refused, nothing installed" in said
    assert "pinned@1.0.0: the tarball is not the pinned one" in said and integrity_of(tampered, "sha512") in said
    assert {p.name: p.read_bytes() for p in vendor.iterdir()} == before | {"pinned.js": b"edited by hand"}
    assert not _left_beside(vendor)


def test_a_file_other_than_its_pin_is_refused_even_in_the_pinned_tarball(registry: tuple[Path, Path], tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    registry_dir, lock = registry
    pinned = read_pins(lock)[0]
    _lock(lock, pinned.integrity, integrity_of(b"another script", "sha384"))
    vendor = tmp_path / "vendor"
    assert _fetch(registry_dir, lock, vendor) == 1
    assert "package/pinned.js is not the pinned file" in capsys.readouterr().err
    assert not vendor.exists()
    assert not _left_beside(vendor)


def test_an_unreachable_registry_is_refused(registry: tuple[Path, Path], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    vendor = tmp_path / "vendor"
    assert _fetch(tmp_path / "no-registry-here", registry[1], vendor) == 1
    assert "cannot download" in capsys.readouterr().err
    assert not vendor.exists()


@pytest.mark.parametrize("name", ["../pinned.js", "sub/pinned.js", ".hidden.js", ""])
def test_a_lock_naming_more_than_a_plain_file_is_refused(registry: tuple[Path, Path], tmp_path: Path,
                                                         name: str, capsys: pytest.CaptureFixture[str]) -> None:
    registry_dir, lock = registry
    pinned = read_pins(lock)[0]
    _lock(lock, pinned.integrity, pinned.files[0].integrity, name=name)
    assert _fetch(registry_dir, lock, tmp_path / "vendor") == 1
    assert "not a plain file name" in capsys.readouterr().err


def test_the_committed_lock_pins_react_18_and_graphiql_4_by_sha512() -> None:
    packages = {package.name: package for package in read_pins(LOCK)}
    assert {name: package.version.split(".")[0] for name, package in packages.items()} == \
        {"react": "18", "react-dom": "18", "graphiql": "4"}
    assert all(package.integrity.startswith("sha512-") for package in packages.values())
    assert packages["graphiql"].tarball_url("https://registry.npmjs.org") == \
        "https://registry.npmjs.org/graphiql/-/graphiql-4.1.2.tgz"
