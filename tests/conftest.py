import os
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests import the record factories beside them


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Tests never touch the user's data cache."""
    os.environ["REPORTGEN_CACHE"] = str(tmp_path_factory.mktemp("cache"))


def block_network(patch: pytest.MonkeyPatch, attempts: list) -> None:
    """Refuse, and record, every attempt to resolve a name or open a connection from this process."""
    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access is blocked in this test")

    for owner, name in ((socket.socket, "connect"), (socket.socket, "connect_ex"), (socket.socket, "sendto"),
                        (socket, "create_connection"), (socket, "getaddrinfo")):
        patch.setattr(owner, name, refuse)


@pytest.fixture(scope="session")
def network_attempts():
    """The connections the session's quick build tried to open (each was refused)."""
    return []


@pytest.fixture(scope="session")
def quick_build(tmp_path_factory, private_cache, network_attempts):
    """The real quick battery, built once per test session through the CLI, with the network blocked."""
    from click.testing import CliRunner

    from reportgen.cli import main

    out = tmp_path_factory.mktemp("output")
    with pytest.MonkeyPatch.context() as patch:
        block_network(patch, network_attempts)
        result = CliRunner().invoke(main, ["build", "--device", "cpu", "--profile", "quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (folder,) = out.iterdir()
    return folder
