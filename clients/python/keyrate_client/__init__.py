"""Python client of ``keyrate serve``: standard library only (urllib, json, subprocess).

    from keyrate_client import Client
    with Client.start() as k:                 # runs `keyrate serve --port 0`
        r = k.leakage_rate(dim=2, parties=2, leakage=0.1, visibility=0.9)
        print(r["rate"])

    k = Client.attach("http://127.0.0.1:8080")  # a server that is already running
"""
from .client import Client, KeyrateError, to_dataframe

__all__ = ["Client", "KeyrateError", "to_dataframe"]
__version__ = "0.1.0"
