"""web/src/api/schema.d.ts is generated from the OpenAPI document the server serves; when the
API changes, the web app's types must be regenerated with it."""
from __future__ import annotations

import json

from tests.web.conftest import WEB


def test_the_committed_api_types_match_the_served_openapi_document(run_in_web, tmp_path):
    fresh = tmp_path / "schema.d.ts"
    result = run_in_web("node", "scripts/gen-api.mjs", "--output", str(fresh))
    assert result.returncode == 0, f"generating the API types failed:\n{result.stdout}\n{result.stderr}"
    committed = (WEB / "src" / "api" / "schema.d.ts").read_text(encoding="utf-8")
    assert fresh.read_text(encoding="utf-8") == committed, (
        "web/src/api/schema.d.ts differs from the API the server serves: run `npm run gen:api` in web/ "
        "(and fix whatever in the web app no longer type-checks)")


def test_jiahe_openapi_writes_the_document_the_server_serves(tmp_path):
    from click.testing import CliRunner

    from api.cli import cli

    output = tmp_path / "openapi.json"
    result = CliRunner().invoke(cli, ["openapi", "--output", str(output)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    document = json.loads(text)
    assert "/api/v1/tasks/{task_id}/complete" in document["paths"]
    assert text == json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
