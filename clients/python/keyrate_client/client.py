"""The client: one function per route of ``keyrate serve`` (docs/serve.md), returning plain data
(dicts and lists as the CLI prints them with --json). Errors are :class:`KeyrateError` carrying the
server's RFC 9457 problem (``param`` and ``allowed`` name the bad parameter and its range)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

Json = Dict[str, Any]


class KeyrateError(Exception):
    """An error answer of the server (``problem`` is its RFC 9457 problem document)."""

    def __init__(self, status: int, problem: Mapping[str, Any]):
        self.status = status
        self.problem: Json = dict(problem)
        self.param: Optional[str] = problem.get("param")
        self.allowed: Optional[str] = problem.get("allowed")
        super().__init__(f"{status} {problem.get('title', '')}: {problem.get('detail', '')}")


def _default_command() -> List[str]:
    env = os.environ.get("KEYRATE_BIN")
    if env:
        return env.split()
    found = shutil.which("keyrate")
    if found:
        return [found]
    raise FileNotFoundError("no `keyrate` on PATH: pass command=['node', '/path/to/bin/keyrate.js'] or set KEYRATE_BIN")


class Client:
    """A connection to one ``keyrate serve``; :meth:`start` runs one, :meth:`attach` uses one."""

    def __init__(self, url: str, timeout: float = 600.0, retries: int = 3, process: Optional[subprocess.Popen] = None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        #: how often a 503 "server busy" answer is retried (after its Retry-After)
        self.retries = retries
        self.process = process
        self._stderr: List[str] = []

    # -- lifecycle -----------------------------------------------------------------------------

    @classmethod
    def attach(cls, url: str, **kw: Any) -> "Client":
        """Use a running server (checks GET /health)."""
        c = cls(url, **kw)
        c.health()
        return c

    @classmethod
    def start(
        cls,
        command: Optional[Sequence[str]] = None,
        workers: Optional[int] = None,
        data_dir: Optional[str] = None,
        args: Iterable[str] = (),
        startup_timeout: float = 60.0,
        env: Optional[Mapping[str, str]] = None,
        **kw: Any,
    ) -> "Client":
        """Start ``keyrate serve`` on a free loopback port; :meth:`close` (or ``with``) stops it."""
        cmd = list(command) if command else _default_command()
        cmd += ["serve", "--port", "0"]
        if workers is not None:
            cmd += ["--workers", str(workers)]
        if data_dir is not None:
            cmd += ["--data-dir", str(data_dir)]
        cmd += list(args)
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(env) if env is not None else None)
        stderr: List[str] = []
        threading.Thread(target=lambda: [stderr.append(l) for l in p.stderr], daemon=True).start()  # type: ignore[union-attr]
        found: List[str] = []

        def read() -> None:
            for line in p.stdout:  # type: ignore[union-attr]
                if line.startswith("listening on "):
                    found.append(line.split()[-1])
                    break

        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(startup_timeout)
        if not found:
            p.kill()
            p.wait()
            raise RuntimeError(f"keyrate serve did not start: {''.join(stderr)[-2000:]}")
        c = cls(found[0], process=p, **kw)
        c._stderr = stderr
        return c

    def close(self, timeout: float = 30.0) -> Optional[int]:
        """Stop a server this client started (SIGTERM; jobs checkpoint); its exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        return self.process.returncode

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def server_log(self) -> str:
        return "".join(self._stderr)

    # -- transport -----------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, accept: str = "application/json", raw: bool = False) -> Any:
        data = None if body is None else json.dumps(body, allow_nan=False).encode()
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(self.url + path, data=data, method=method, headers={"accept": accept, **({"content-type": "application/json"} if data is not None else {})})
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as r:
                    text = r.read().decode()
                    if raw:
                        return text
                    return json.loads(text) if "json" in r.headers.get("content-type", "") else text
            except urllib.error.HTTPError as e:
                text = e.read().decode()
                try:
                    problem = json.loads(text)
                except ValueError:
                    problem = {"title": e.reason, "detail": text, "status": e.code}
                busy = e.code == 503 and problem.get("type") == "urn:keyrate:problem:overloaded"
                if busy and attempt < self.retries:
                    time.sleep(float(e.headers.get("retry-after") or 1))
                    continue
                raise KeyrateError(e.code, problem) from None
        raise AssertionError("unreachable")

    def _post(self, route: str, params: Mapping[str, Any]) -> Any:
        return self.request("POST", "/v1/" + route, {k: v for k, v in params.items() if v is not None})

    # -- routes --------------------------------------------------------------------------------

    def health(self) -> Json:
        return self.request("GET", "/health")

    def openapi(self) -> Json:
        return self.request("GET", "/openapi.json")

    def leakage_threshold(self, **params: Any) -> Json:
        """[L] threshold v*, separable bound, zero crossing (= `keyrate leakage threshold --json`)."""
        return self._post("leakage/threshold", params)

    def leakage_rate(self, **params: Any) -> Json:
        """[L] key rate R with its optimal settings (= `keyrate leakage rate --json`)."""
        return self._post("leakage/rate", params)

    def leakage_curve(self, **params: Any) -> List[Json]:
        """[L] rows of R vs visibility for several leakages (= `keyrate leakage curve --json`)."""
        return self._post("leakage/curve", params)

    def leakage_repeaters(self, **params: Any) -> Json:
        return self._post("leakage/repeaters", params)

    def amplified_rate(self, **params: Any) -> Json:
        """[A] Lf/L at given or optimised photons/windows (= `keyrate amplified rate --json`)."""
        return self._post("amplified/rate", params)

    def amplified_worst_case(self, **params: Any) -> Json:
        return self._post("amplified/worst-case", params)

    def amplified_curve(self, **params: Any) -> Json:
        """[A] {points, method, encoding} over a list of leaks (= `keyrate amplified curve --json`)."""
        return self._post("amplified/curve", params)

    def amplified_batch(self, encoding: str, points: Sequence[Mapping[str, Any]], **params: Any) -> List[Json]:
        """[A] one result per point, in order; a bad point gives {line, error: {param, allowed, message}}."""
        return self._post("amplified/batch", {"encoding": encoding, "points": list(points), **params})

    def amplified_correlation(self, **params: Any) -> Json:
        return self._post("amplified/correlation", params)

    def amplified_precision(self, **params: Any) -> Json:
        return self._post("amplified/precision", params)

    def amplified_plob(self, **params: Any) -> Json:
        return self._post("amplified/plob", params)

    def amplified_natural_losses(self, **params: Any) -> Json:
        return self._post("amplified/natural-losses", params)

    # -- sweeps --------------------------------------------------------------------------------

    def sweep_start(self, spec: Mapping[str, Any], backend: str = "auto") -> Json:
        """Start a sweep job (a spec as `keyrate sweep spec.yaml` reads it); its status (with ``id``)."""
        return self.request("POST", "/v1/sweeps?backend=" + urllib.parse.quote(backend), dict(spec))

    def sweep_status(self, job_id: str) -> Json:
        return self.request("GET", "/v1/sweeps/" + urllib.parse.quote(job_id))

    def sweep_list(self) -> List[Json]:
        return self.request("GET", "/v1/sweeps")

    def sweep_cancel(self, job_id: str) -> Json:
        return self.request("DELETE", "/v1/sweeps/" + urllib.parse.quote(job_id))

    def sweep_results(self, job_id: str, format: str = "rows") -> Union[List[Json], str]:
        """Rows so far (``format='rows'``: a list of dicts; ``'csv'``: the CSV text)."""
        path = "/v1/sweeps/" + urllib.parse.quote(job_id) + "/results"
        if format == "csv":
            return self.request("GET", path, accept="text/csv", raw=True)
        if format != "rows":
            raise ValueError("format: 'rows' | 'csv'")
        text = self.request("GET", path, accept="application/x-ndjson", raw=True)
        return [json.loads(l) for l in text.splitlines() if l.strip()]

    def sweep_wait(self, job_id: str, poll: float = 0.5, timeout: Optional[float] = None) -> Json:
        """Poll until the job is complete, failed or cancelled; its final status."""
        t0 = time.monotonic()
        while True:
            st = self.sweep_status(job_id)
            if st["status"] in ("complete", "failed", "cancelled"):
                return st
            if timeout is not None and time.monotonic() - t0 > timeout:
                raise TimeoutError(f"sweep {job_id} still {st['status']} after {timeout} s ({st['progress']})")
            time.sleep(poll)


def to_dataframe(rows: Sequence[Mapping[str, Any]]) -> Any:
    """A pandas DataFrame of result rows (pandas is optional: ImportError names it)."""
    try:
        import pandas as pd  # type: ignore[import-not-found]
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_dataframe needs pandas (pip install keyrate-client[pandas]); the rows are plain dicts") from e
    return pd.DataFrame(list(rows))
