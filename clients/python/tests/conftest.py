import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
#: the repository's built CLI (npm run build)
COMMAND = ["node", os.path.join(ROOT, "bin", "keyrate.js")]

from keyrate_client import Client  # noqa: E402


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    env = {**os.environ, "KEYRATE_TEST_EVALUATORS": "1"}
    c = Client.start(command=COMMAND, workers=2, data_dir=str(tmp_path_factory.mktemp("data")), env=env)
    yield c
    assert c.close() == 0, c.server_log
