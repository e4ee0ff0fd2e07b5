"""``anjian import enterprises FILE``: the job with a progress bar and the error report."""

import sqlite3

from typer.testing import CliRunner

from services.cli import app

ROWS = """统一社会信用代码,企业名称,法定代表人,所在区划代码,乡镇,村,行业类别,从业人员数
91330503MA2JB7Q53M,湖州恒达五金制品有限公司,张三,330503,旧馆镇,三桥村,工贸,35
914403001922038217,校验位错误企业,李四,330503,旧馆镇,三桥村,工贸,5
91330100799655058B,湖州分公司,王五,330502,八里店镇,南山村,一般,12
"""


def outbox_types(data_dir) -> list[str]:
    with sqlite3.connect(data_dir / "registry.db") as db:
        return [r[0] for r in db.execute("SELECT type FROM outbox ORDER BY id")]


def test_import_command_reports_refused_rows_and_a_second_run_changes_nothing(tmp_path):
    source = tmp_path / "企业名单.csv"
    source.write_bytes(ROWS.encode("gb18030"))
    data_dir = tmp_path / "data"
    runner = CliRunner()
    result = runner.invoke(app, ["import", "enterprises", str(source), "--data-dir", str(data_dir)])
    assert result.exit_code == 1, result.output
    assert "3 rows, 2 imported, 1 refused" in result.output
    assert "check character should be '6', got '7'" in result.output
    assert outbox_types(data_dir) == ["registry.enterprise.registered.v1"] * 2

    again = runner.invoke(app, ["import", "enterprises", str(source), "--data-dir", str(data_dir)])
    assert again.exit_code == 1 and "2 imported, 1 refused" in again.output
    assert len(outbox_types(data_dir)) == 2


def test_import_command_refuses_a_file_without_the_required_columns(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("name\nx\n")
    result = CliRunner().invoke(app, ["import", "enterprises", str(source), "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 2
    assert "missing columns: uscc" in result.output
