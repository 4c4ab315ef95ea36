"""Fetches GraphiQL's pinned files from the npm registry into gateway/assets/vendor (`make install` runs it).

    python -m gateway.assets.fetch

Each tarball must match its pinned sha512 and each file taken from it its pinned sha384. On any mismatch or
failure it says which, exits 1 and leaves vendor/ as it was: the files are gathered in a folder beside it and
put in its place only when all of them check. NPM_CONFIG_REGISTRY names a mirror (the hashes make it safe).
Standard library only: it runs before the project's dependencies are installed.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path

from gateway.assets.pins import LOCK, VENDOR, PinError, PinnedPackage, integrity_of, matches, read_pins

REGISTRY = "https://registry.npmjs.org"
TIMEOUT_SECONDS = 60


class FetchRefused(Exception):
    """A tarball or file is not the pinned one, or could not be had."""


def fetch(packages: Sequence[PinnedPackage], registry: str, vendor: Path) -> bool:
    """Puts every pinned file in vendor/; False when they were all there already, checked."""
    if _in_place(packages, vendor):
        return False
    vendor.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".vendor-staging-", dir=vendor.parent))
    staging.chmod(0o755)  # mkdtemp's is the installing user's alone; the server may run as another
    try:
        for package in packages:
            for name, data in _pinned_files(package, _download(package.tarball_url(registry))):
                (staging / name).write_bytes(data)
        _swap_in(staging, vendor)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return True


def _in_place(packages: Iterable[PinnedPackage], vendor: Path) -> bool:
    wanted = [pinned for package in packages for pinned in package.files]
    return all((vendor / f.name).is_file() and matches((vendor / f.name).read_bytes(), f.integrity) for f in wanted)


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            body: bytes = response.read()
    except (OSError, ValueError) as exc:  # URLError and HTTPError are OSErrors
        raise FetchRefused(f"cannot download {url}: {exc}") from exc
    return body


def _pinned_files(package: PinnedPackage, tarball: bytes) -> list[tuple[str, bytes]]:
    """The package's pinned files, each checked, read from its tarball once the tarball itself checks."""
    if not matches(tarball, package.integrity):
        raise FetchRefused(f"{package.label}: the tarball is not the pinned one (pinned {package.integrity}, "
                           f"got {_same_kind(tarball, package.integrity)})")
    files = []
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            for pinned in package.files:
                member = archive.getmember(pinned.member)
                extracted = archive.extractfile(member) if member.isfile() else None
                if extracted is None:
                    raise FetchRefused(f"{package.label}: {pinned.member} is not a file")
                data = extracted.read()
                if not matches(data, pinned.integrity):
                    raise FetchRefused(f"{package.label}: {pinned.member} is not the pinned file "
                                       f"(pinned {pinned.integrity}, got {_same_kind(data, pinned.integrity)})")
                files.append((pinned.name, data))
    except (tarfile.TarError, KeyError, OSError) as exc:
        raise FetchRefused(f"{package.label}: cannot read the tarball: {exc}") from exc
    return files


def _same_kind(data: bytes, integrity: str) -> str:
    """The data's integrity in the pinned one's algorithm, to show beside it."""
    return integrity_of(data, integrity.partition("-")[0])


def _swap_in(staging: Path, vendor: Path) -> None:
    """Puts the staged folder in vendor's place: a reader finds the old files or the new, never a mix."""
    with tempfile.TemporaryDirectory(prefix=".vendor-retired-", dir=vendor.parent) as retired:
        if vendor.exists():
            vendor.rename(Path(retired) / vendor.name)
        staging.rename(vendor)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fetch GraphiQL's pinned files from the npm registry.")
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--vendor", type=Path, default=VENDOR)
    parser.add_argument("--registry", default=os.environ.get("NPM_CONFIG_REGISTRY") or REGISTRY)
    options = parser.parse_args(argv)
    try:
        packages = read_pins(options.lock)
        fetched = fetch(packages, options.registry, options.vendor)
    except (PinError, FetchRefused) as exc:
        sys.stderr.write(f"graphiql assets: refused, nothing installed: {exc}\n")
        return 1
    labels = ", ".join(package.label for package in packages)
    sys.stderr.write(f"graphiql assets: {labels} {'fetched and checked' if fetched else 'already in place'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
