"""Nothing from outside turns into script, nothing goes over the network, nothing from a file is unpickled."""

import dataclasses
import socket

import factories
import numpy as np
import pytest
from conftest import block_network

from reportgen.data import mnist1d
from reportgen.records.system import GpuInfo
from reportgen.render import render_html


def script(n):
    return f"<script>alert({n})</script>"


def test_strings_from_outside_render_as_text_in_the_html():
    results = factories.results(cpu_model=script(1), hostname=script(2), os=script(3),
                                gpus=[GpuInfo(name=script(4), memory_gib=80.0, compute_capability="9.0",
                                              driver=script(5))])
    learners = [dataclasses.replace(x, label=script(6)) for x in results.data_scale.learners]
    results = dataclasses.replace(
        results, settings=dataclasses.replace(results.settings, profile=script(7), command=script(8),
                                              device_reason=script(9)),
        data_scale=dataclasses.replace(results.data_scale, learners=learners, budget=script(10)))
    html = render_html(results)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the CPU name, shown as text
    assert "<script>alert(" not in html
    for n in (2, 3, 4, 7, 8, 9, 10):
        assert f"&lt;script&gt;alert({n})&lt;/script&gt;" in html, n
    assert "\\u003cscript\\u003ealert(6)" in html  # a learner's label inside a chart's JSON spec


@pytest.mark.e2e
def test_the_quick_build_opens_no_network_connection(quick_build, network_attempts):
    assert (quick_build / "report.pdf").exists()
    assert network_attempts == []


def test_the_network_block_refuses_and_records_a_connection(monkeypatch):
    attempts = []
    block_network(monkeypatch, attempts)
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with socket.socket() as sock, pytest.raises(OSError, match="blocked"):
        sock.connect(("127.0.0.1", 9))
    assert len(attempts) == 2


class Payload:
    """Unpickling this creates a file: the proof that code in a data file ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


@pytest.mark.parametrize("spoil", ["pickled objects", "truncated"])
def test_a_bad_data_cache_is_never_unpickled_and_is_made_again(tmp_path, spoil):
    first = mnist1d(100, 100, cache=tmp_path)
    (path,) = tmp_path.glob("*.npz")
    marker = tmp_path / "code-ran"
    if spoil == "pickled objects":
        np.savez(path, x=np.array([Payload(marker)], dtype=object), y=first.y_pool, x_test=first.x_test,
                 y_test=first.y_test)
    else:
        path.write_bytes(path.read_bytes()[:200])
    again = mnist1d(100, 100, cache=tmp_path)
    assert not marker.exists()
    assert not again.info.from_cache and np.array_equal(again.x_pool, first.x_pool)
    assert mnist1d(100, 100, cache=tmp_path).info.from_cache  # the bad file was replaced by a good one
