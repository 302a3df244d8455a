"""keyrate_client against a real `keyrate serve` started by the tests (the repository's built CLI)."""
import math
import os
import sys

import pytest

from conftest import COMMAND
from keyrate_client import Client, KeyrateError, to_dataframe

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
import figures  # noqa: E402


def test_health_and_openapi(server):
    h = server.health()
    assert h["status"] == "ok" and h["pool"]["threads"] == 2
    doc = server.openapi()
    assert doc["openapi"].startswith("3.1")
    assert "/v1/amplified/batch" in doc["paths"]


def test_compute_calls_return_plain_data(server):
    p = server.amplified_plob(distance=100)
    assert math.isclose(p["log10T"], -2, abs_tol=1e-12)
    r = server.leakage_rate(dim=2, parties=2, leakage=0.1, visibility=0.9)
    assert r["rate"] > 0 and r["status"] == "optimum"
    t = server.leakage_threshold(dim=2, parties=2, leakage=0.1, zeroCrossing=False)
    assert math.isclose(t["threshold"], 1 / (1 + 2 * 0.9), rel_tol=1e-12)  # 1/(1+D(1-L)), D = d^(N-1) = 2
    a = server.amplified_rate(encoding="phase", distance=1000, eveAt=500, leak=0.01, photons=[100], windows=[5, 15])
    assert a["status"] == "fixed" and "u" not in a
    c = server.amplified_curve(encoding="phase", distance=1000, eveAt=500, leaks=[1e-4, 1e-2])
    assert [x["leak"] for x in c["points"]] == [1e-4, 1e-2]


def test_batch_keeps_order_and_names_bad_points(server):
    good = {"distance": 1000, "eveAt": 500, "leak": 0.01, "photons": [100], "windows": [5, 15]}
    out = server.amplified_batch("phase", [good, {**good, "eveAt": 5000}, {**good, "leak": 0.001}])
    assert [x["line"] for x in out] == [1, 2, 3]
    assert out[1]["error"]["param"] == "eveAt"
    assert out[0]["rate"] != out[2]["rate"]


def test_errors_name_the_parameter(server):
    with pytest.raises(KeyrateError) as e:
        server.leakage_rate(dim=2, parties=2, leakage=1.5, visibility=0.9)
    assert e.value.status == 400 and e.value.param == "leakage" and e.value.allowed == "[0, 1)"
    with pytest.raises(KeyrateError) as e:
        server.amplified_plob(distance=100, bogus=1)
    assert e.value.param == "bogus"


def test_sweep_job(server):
    st = server.sweep_start({"engine": "test", "quantity": "fake", "axes": {"x": [0, 1, 2, 3]}, "fixed": {"delayMs": 10}})
    done = server.sweep_wait(st["id"], poll=0.1, timeout=60)
    assert done["status"] == "complete" and done["progress"]["done"] == 4
    rows = server.sweep_results(st["id"])
    assert [r["index"] for r in rows] == [0, 1, 2, 3]
    assert math.isclose(rows[2]["value"], math.sin(2) + 1 / 3, rel_tol=1e-12)
    csv = server.sweep_results(st["id"], format="csv")
    assert csv.splitlines()[0].startswith("index,x")
    with pytest.raises(KeyrateError) as e:
        server.sweep_cancel(st["id"])
    assert e.value.status == 409


def test_attach_to_a_running_server(server):
    other = Client.attach(server.url)
    assert other.amplified_precision(distance=1000, photons=1e14)["M"] == 20
    assert other.close() is None  # not ours to stop


def test_start_and_stop_own_server(tmp_path):
    with Client.start(command=COMMAND, workers=1) as k:
        assert k.health()["pool"]["threads"] == 1
        proc = k.process
    assert proc is not None and proc.returncode == 0


def test_to_dataframe_is_optional(server):
    rows = server.leakage_curve(dim=2, parties=2, leakages=[0.1], visibilities=[0.5, 0.9])
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pandas"):
            to_dataframe(rows)
    else:
        assert len(to_dataframe(rows)) == 2


def test_example_reproduces_the_figures_data(server, tmp_path):
    data = figures.main(["--out", str(tmp_path)], client=server)
    fig1 = data["leakage-fig1"]
    assert {r["leakage"] for r in fig1} == {0.1, 0.2, 0.3}
    for L in (0.1, 0.2, 0.3):
        rows = sorted((r for r in fig1 if r["leakage"] == L), key=lambda r: r["visibility"])
        v_star = rows[0]["threshold"]
        assert math.isclose(v_star, 1 / (1 + 2 * (1 - L)), rel_tol=1e-12)  # corrected closed form, d=2 N=2
        below = [r["rate"] for r in rows if r["visibility"] <= v_star]
        above = [r["rate"] for r in rows if r["visibility"] > v_star + 1e-9]
        assert max(below) <= 1e-9 and min(above) > 0
        assert rows[-1]["visibility"] == 1.0
        rates = [r["rate"] for r in rows]
        assert all(b >= a - 1e-12 for a, b in zip(rates, rates[1:]))  # R grows with v
    fig1b = data["amplified-fig1b"]
    assert len(fig1b) == 3 * 6
    for eve in {r["eveAt"] for r in fig1b}:
        rates = [r["rate"] for r in sorted((r for r in fig1b if r["eveAt"] == eve), key=lambda r: r["leak"])]
        assert rates[0] > rates[-1]  # Lf/L falls with the stolen fraction
    assert (tmp_path / "leakage-fig1.csv").read_text().startswith("series,leakage,visibility,rate")
    assert (tmp_path / "amplified-fig1b.csv").exists()
