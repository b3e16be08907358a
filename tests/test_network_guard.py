import socket

import pytest
import requests
from conftest import NetworkAccess


def test_http_client_cannot_reach_the_network():
    with pytest.raises(NetworkAccess):
        requests.get("http://example.com/", timeout=1)


def test_raw_sockets_cannot_connect():
    with pytest.raises(NetworkAccess):
        socket.create_connection(("93.184.216.34", 80))
    with pytest.raises(NetworkAccess):
        requests.get("http://localhost:9/", timeout=1)  # a name, even of this machine, is not resolved
    with pytest.raises(ConnectionRefusedError):  # servers the tests start listen on 127.0.0.1
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkAccess):
            s.connect(("93.184.216.34", 80))
    finally:
        s.close()


def test_party_classification_is_offline():
    from privacylint.domains import site_of

    assert site_of("www.googletagmanager.com") == "googletagmanager.com"
