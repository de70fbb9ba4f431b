"""The web app's built files at the site root (api/views/webapp.py), on a temporary dist
directory standing in for web/dist."""
from __future__ import annotations

import pytest

from api import create_app

INDEX = '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script></body></html>'


@pytest.fixture
def dist(tmp_path):
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX, encoding="utf-8")
    (folder / "assets" / "index-abc123.js").write_text("console.log('jiahe')", encoding="utf-8")
    (folder / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    return folder


def _client(store, web_dist):
    app = create_app({"TESTING": True, "START_TIMER_WORKER": False, "WEB_DIST": str(web_dist)}, store=store)
    return app.test_client()


@pytest.fixture
def client(sqlite_only_store, dist):
    return _client(sqlite_only_store, dist)


def test_the_site_root_serves_the_app_revalidated_on_every_visit(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.get_data(as_text=True) == INDEX
    assert "no-cache" in response.headers["Cache-Control"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/login", "/tasks", "/tasks/3f2a9c1e-0000-4000-8000-000000000000", "/cases/new",
                                  "/intake/R-12345", "/login?next=%2Ftasks", "/apiary"])
def test_a_client_route_gets_index_html_for_the_router_to_draw(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == INDEX


def test_hashed_assets_are_cached_for_a_year(client):
    response = client.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable


def test_a_browser_that_accepts_gzip_gets_the_builds_gzip_copy(client, dist):
    import gzip

    (dist / "assets" / "index-abc123.js.gz").write_bytes(gzip.compress(b"console.log('jiahe')"))
    zipped = client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert zipped.mimetype in ("text/javascript", "application/javascript")
    assert gzip.decompress(zipped.get_data()) == b"console.log('jiahe')"
    plain = client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.get_data() == b"console.log('jiahe')"


def test_other_built_files_are_served_as_they_are(client):
    response = client.get("/favicon.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"


def test_an_asset_of_an_older_build_is_a_404_not_the_page(client):
    assert client.get("/assets/index-old999.js").status_code == 404


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
@pytest.mark.parametrize("path", ["/api", "/api/", "/api/v1/no-such-thing", "/api/v2/tasks"])
def test_an_unknown_api_path_stays_the_apis_json_404(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_the_api_answers_as_before(client):
    assert client.get("/api/openapi.json").get_json()["info"]["title"]
    assert client.get("/api/v1/tasks").status_code == 401


def test_a_path_out_of_the_dist_directory_is_refused(client, dist):
    (dist.parent / "secret.txt").write_text("not for the web", encoding="utf-8")
    response = client.get("/assets/../../secret.txt")
    assert b"not for the web" not in response.data


def test_without_a_build_the_site_root_says_how_to_make_one(sqlite_only_store, tmp_path):
    client = _client(sqlite_only_store, tmp_path / "no-dist")
    for path in ("/", "/tasks"):
        page = client.get(path).get_data(as_text=True)
        assert "bash scripts/bootstrap" in page
        assert "网页尚未构建" in page
    assert client.get("/api/v1/no-such-thing").get_json()["error"]["code"] == "not_found"
